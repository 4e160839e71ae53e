import { describe, expect, it } from 'vitest';
import type { ObservedAlarm } from '../../../firmware-sim/scenario/alarm-message.js';
import { alarmLines } from '../../../gateway/cli/commands/sim.js';

const START_MS = Date.parse('2026-07-15T15:00:00Z');
const MINUTE_MS = 60_000;

function alarm(id: string, state: ObservedAlarm['state']): ObservedAlarm {
  return { id, state, level: 'critical', kind: 'high', asset: 'truck-1/front', site: 'county', time_ms: 0 };
}

describe('alarmLines', () => {
  it('marks a repeated message', () => {
    const lines = alarmLines(
      [
        { alarm: alarm('a-1', 'raised'), sim_ms: START_MS + 56.6 * MINUTE_MS },
        { alarm: alarm('a-1', 'raised'), sim_ms: START_MS + 70.1 * MINUTE_MS },
      ],
      START_MS,
    );
    expect(lines[0]).toBe('ALARM raised critical high on truck-1/front at 56.6 min');
    expect(lines[1]).toBe('ALARM raised critical high on truck-1/front at 70.1 min (repeat of alarm a-1)');
  });

  it('lists a new state of one alarm as new', () => {
    const lines = alarmLines(
      [
        { alarm: alarm('a-1', 'raised'), sim_ms: START_MS },
        { alarm: alarm('a-1', 'cleared'), sim_ms: START_MS + MINUTE_MS },
      ],
      START_MS,
    );
    expect(lines[1]).toBe('ALARM cleared critical high on truck-1/front at 1.0 min');
  });

  it('lists another alarm as new', () => {
    const lines = alarmLines(
      [
        { alarm: alarm('a-1', 'raised'), sim_ms: START_MS },
        { alarm: alarm('a-2', 'raised'), sim_ms: START_MS },
      ],
      START_MS,
    );
    expect(lines[1]).not.toContain('repeat');
  });
});
