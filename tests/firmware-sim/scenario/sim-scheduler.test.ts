import { describe, expect, it } from 'vitest';
import { ProbeDrift } from '../../../firmware-sim/probe-drift.js';
import { SimScheduler } from '../../../firmware-sim/scenario/sim-scheduler.js';

const START_MS = Date.parse('2026-07-15T22:00:00+08:00');

describe('SimScheduler', () => {
  it('runs actions at exact simulated instants', async () => {
    const scheduler = new SimScheduler(START_MS, 600);
    const stamps: number[] = [];
    scheduler.every(START_MS, 60_000, START_MS + 5 * 60_000, (time_ms) => {
      expect(scheduler.clock.nowMs()).toBe(time_ms);
      stamps.push(time_ms);
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 800));
    scheduler.stop();
    expect(stamps).toEqual([0, 1, 2, 3, 4, 5].map((minute) => START_MS + minute * 60_000));
  });

  it('keeps pace with the time scale', async () => {
    const scheduler = new SimScheduler(START_MS, 600);
    let fired_real_ms = 0;
    const started = Date.now();
    scheduler.at(START_MS + 180_000, () => {
      fired_real_ms = Date.now() - started;
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    scheduler.stop();
    expect(fired_real_ms).toBeGreaterThanOrEqual(295);
    expect(fired_real_ms).toBeLessThan(450);
  });

  it('runs same-instant actions in order', async () => {
    const scheduler = new SimScheduler(START_MS, 1000);
    const order: string[] = [];
    scheduler.at(START_MS + 1000, () => order.push('b'));
    scheduler.at(START_MS, () => order.push('a'));
    scheduler.at(START_MS + 1000, () => order.push('c'));
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    scheduler.stop();
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('never runs actions after stop', async () => {
    const scheduler = new SimScheduler(START_MS, 1000);
    let ran = false;
    scheduler.at(START_MS + 100_000, () => {
      ran = true;
    });
    scheduler.start();
    scheduler.stop();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ran).toBe(false);
  });
});

describe('ProbeDrift', () => {
  it('grows at its rate', () => {
    const drift = new ProbeDrift();
    drift.start(START_MS, 2);
    expect(drift.offsetK(START_MS + 1_800_000)).toBeCloseTo(1, 9);
  });

  it('reads true after clear', () => {
    const drift = new ProbeDrift();
    drift.start(START_MS, 2);
    drift.clear();
    expect(drift.offsetK(START_MS + 3_600_000)).toBe(0);
  });
});
