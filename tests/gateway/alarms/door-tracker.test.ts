import { describe, expect, it } from 'vitest';
import { type DoorState, isDoorSuppressing, newDoorState, updateDoor } from '../../../gateway/alarms/door-tracker.js';
import { type DoorRule, doorRuleSchema } from '../../../gateway/alarms/rule-schemas.js';

const MIN = 60_000;
const STALE_MS = 15 * MIN;

function report(state: DoorState, rule: DoorRule, door_open: boolean, time_ms: number, device = 'tel-1') {
  return updateDoor(state, rule, { device, fields: { door_open }, time_ms, stale_after_ms: STALE_MS });
}

/** Opens the door for one minute at each of `minutes` and reports it shut in between. */
function openAt(state: DoorState, rule: DoorRule, minutes: number[]): void {
  for (const minute of minutes) {
    report(state, rule, true, minute * MIN);
    report(state, rule, false, (minute + 1) * MIN);
  }
}

describe('door suppression episode', () => {
  // Truck compartment defaults: grace 1800 s, so the default cap is 900 + 1800 s = 45 min.
  const truck = doorRuleSchema.parse({ grace_s: 1800 });

  it('caps a chain of short openings', () => {
    const state = newDoorState();
    const stops = Array.from({ length: 12 }, (_, index) => index * 6.5);
    openAt(state, truck, stops);
    expect(isDoorSuppressing(state, truck, 44 * MIN)).toBe(true);
    expect(isDoorSuppressing(state, truck, 46 * MIN)).toBe(false);
    expect(isDoorSuppressing(state, truck, 72 * MIN)).toBe(false);
    expect(state.episode_start_ms).toBe(0);
  });

  it('keeps the cap while openings continue', () => {
    const state = newDoorState();
    openAt(state, truck, [0, 20, 40, 60]);
    report(state, truck, true, 80 * MIN);
    expect(isDoorSuppressing(state, truck, 80 * MIN)).toBe(false);
    expect(state.episode_start_ms).toBe(0);
  });

  it('starts a new episode after a quiet grace', () => {
    const state = newDoorState();
    openAt(state, truck, [0, 20, 40]);
    // The grace after the opening at 40 min ends at 71 min, so the opening at 75 min is a new episode.
    report(state, truck, true, 75 * MIN);
    expect(state.episode_start_ms).toBe(75 * MIN);
    expect(isDoorSuppressing(state, truck, 76 * MIN)).toBe(true);
  });

  it('leaves one short opening its full grace', () => {
    const state = newDoorState();
    report(state, truck, true, 0);
    report(state, truck, false, 15 * MIN);
    expect(isDoorSuppressing(state, truck, 45 * MIN)).toBe(true);
    expect(isDoorSuppressing(state, truck, 46 * MIN)).toBe(false);
  });

  it('reads the cap from suppress_total_max_s', () => {
    const room = doorRuleSchema.parse({ suppress_total_max_s: 600 });
    const state = newDoorState();
    openAt(state, room, [0, 5]);
    expect(isDoorSuppressing(state, room, 10 * MIN)).toBe(true);
    expect(isDoorSuppressing(state, room, 11 * MIN)).toBe(false);
  });
});

describe('door switches of several devices', () => {
  const room = doorRuleSchema.parse({});

  it('keeps the door open while one device reports it open', () => {
    const state = newDoorState();
    const changes: string[] = [];
    // The room node reports the door open for 348 s; the controller reports its unwired input shut every 2 s.
    for (let second = 0; second <= 348; second += 2) {
      const node = report(state, room, second < 348, second * 1000, 'room-1').change;
      if (node !== null) changes.push(`${node}@${second}`);
      const controller = report(state, room, false, second * 1000 + 1000, 'ctrl-1').change;
      if (controller !== null) changes.push(`${controller}@${second + 1}`);
    }
    expect(changes).toEqual(['raise@300', 'clear@348']);
    expect(state.open_since_ms).toBeNull();
  });

  it('lets a stale open report go without clearing', () => {
    const state = newDoorState();
    report(state, room, true, 0, 'room-1');
    expect(report(state, room, false, 6 * MIN, 'ctrl-1').change).toBe('raise');
    expect(isDoorSuppressing(state, room, 6 * MIN)).toBe(true);

    const stale = report(state, room, false, 16 * MIN, 'ctrl-1');
    expect(stale.change).toBeNull();
    expect(stale.closed_period).toEqual({ start_ms: 0, end_ms: 16 * MIN });
    expect(state.alarm_active).toBe(true);
    expect(isDoorSuppressing(state, room, 16 * MIN)).toBe(false);

    expect(report(state, room, false, 20 * MIN, 'room-1').change).toBe('clear');
  });
});
