import { describe, expect, it } from 'vitest';
import { chartSpan } from '../../../gateway/reports/report-chart.js';

const START = Date.UTC(2026, 11, 1);
const HOUR = 3_600_000;

describe('chartSpan', () => {
  it('spans a past window', () => {
    expect(chartSpan({ from_ms: START, to_ms: START + 24 * HOUR, statistics_to_ms: START + 24 * HOUR })).toEqual([
      START,
      START + 24 * HOUR,
    ]);
  });

  it('ends at generation time', () => {
    // A window of 30 days generated after one hour: the curve fills the chart instead of its first 0.14%.
    expect(chartSpan({ from_ms: START, to_ms: START + 720 * HOUR, statistics_to_ms: START + HOUR })).toEqual([
      START,
      START + HOUR,
    ]);
  });

  it('keeps a future window whole', () => {
    expect(chartSpan({ from_ms: START, to_ms: START + HOUR, statistics_to_ms: START })).toEqual([START, START + HOUR]);
  });
});
