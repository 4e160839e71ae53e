import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimOutcome } from '../../gateway/cli/commands/sim.js';
import { describeExpectations, runExample } from './hil-support.js';

describe('normal-day scenario', () => {
  let outcome: SimOutcome | undefined;

  beforeAll(async () => {
    // The file describes a whole day (24 min at 60x); CI plays its first 80 minutes.
    ({ outcome } = await runExample('normal-day', { duration_min: 80 }));
  }, 150_000);

  afterAll(() => {
    outcome = undefined;
  });

  describeExpectations('normal-day', () => outcome);

  describe('room report', () => {
    it('reports every room', () => {
      expect(outcome?.run.rooms_report.map((report) => report.room)).toEqual(['chill-1', 'freeze-1']);
    });

    it('keeps daily energy in range', () => {
      for (const report of outcome!.run.rooms_report) {
        expect(report.day.energy_kwh_per_m3_day, report.room).toBeGreaterThanOrEqual(report.energy_range.min);
        expect(report.day.energy_kwh_per_m3_day, report.room).toBeLessThanOrEqual(report.energy_range.max);
      }
    });

    it('keeps the daily swing in range', () => {
      for (const report of outcome!.run.rooms_report) {
        expect(report.day.swing_k, report.room).toBeGreaterThanOrEqual(report.swing_range_k.min);
        expect(report.day.swing_k, report.room).toBeLessThanOrEqual(report.swing_range_k.max);
      }
    });

    it('meters energy over the live run', () => {
      for (const report of outcome!.run.rooms_report) expect(report.run.energy_kwh, report.room).toBeGreaterThan(0);
    });
  });
});
