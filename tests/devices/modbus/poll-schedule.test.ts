import { describe, expect, it } from 'vitest';
import { PollSchedule } from '../../../devices/modbus/poll-schedule.js';

describe('PollSchedule', () => {
  it('first slot at the origin', () => {
    const schedule = new PollSchedule(1000, 5_250);
    expect(schedule.nextSlot).toBe(5_250);
  });

  it('poll on time keeps the grid', () => {
    const schedule = new PollSchedule(1000, 5_250);
    const start = schedule.begin(5_253);
    expect(start).toEqual({ slot_ms: 5_250, lag_ms: 3, skipped: 0 });
    expect(schedule.endedInSlot(start.slot_ms, 5_300)).toBe(true);
    expect(schedule.advance(start.slot_ms, 5_300, 1000)).toEqual({ slot_ms: 6_250, skipped: 0 });
  });

  it('slot ends before the next starts', () => {
    const schedule = new PollSchedule(1000, 0);
    expect(schedule.endedInSlot(0, 999)).toBe(true);
    expect(schedule.endedInSlot(0, 1000)).toBe(false);
  });

  it('overrun skips to the next slot', () => {
    const schedule = new PollSchedule(1000, 0);
    const start = schedule.begin(2);
    expect(schedule.endedInSlot(start.slot_ms, 1_400)).toBe(false);
    expect(schedule.advance(start.slot_ms, 1_400, 1000)).toEqual({ slot_ms: 2_000, skipped: 1 });
  });

  it('long overrun skips several slots', () => {
    const schedule = new PollSchedule(1000, 0);
    expect(schedule.advance(0, 3_001, 1000)).toEqual({ slot_ms: 4_000, skipped: 3 });
  });

  it('poll ending at a slot start takes that slot', () => {
    const schedule = new PollSchedule(1000, 0);
    expect(schedule.advance(0, 1000, 1000)).toEqual({ slot_ms: 1000, skipped: 0 });
  });

  it('late timer moves the poll to the current slot', () => {
    const schedule = new PollSchedule(1000, 100);
    expect(schedule.begin(2_350)).toEqual({ slot_ms: 2_100, lag_ms: 250, skipped: 2 });
  });

  it('timer late within its slot keeps the slot', () => {
    const schedule = new PollSchedule(1000, 100);
    expect(schedule.begin(1_099)).toEqual({ slot_ms: 100, lag_ms: 999, skipped: 0 });
  });

  it('back-off stays on the grid', () => {
    const schedule = new PollSchedule(1000, 100);
    expect(schedule.advance(100, 400, 4000)).toEqual({ slot_ms: 4_100, skipped: 3 });
  });

  it('wait shorter than the interval is the interval', () => {
    const schedule = new PollSchedule(1000, 0);
    expect(schedule.advance(0, 10, 0)).toEqual({ slot_ms: 1000, skipped: 0 });
  });

  it('grid does not drift over many polls', () => {
    const schedule = new PollSchedule(1000, 7);
    let slot = schedule.nextSlot;
    for (let poll = 0; poll < 1000; poll++) {
      const start = schedule.begin(slot + 3);
      slot = schedule.advance(start.slot_ms, start.slot_ms + 40, 1000).slot_ms;
    }
    expect(slot).toBe(1_000_007);
  });
});
