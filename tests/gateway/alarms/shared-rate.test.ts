import { describe, expect, it } from 'vitest';
import { type EngineHarness, raisedRules, START_MS, startEngine, temperatureReading } from './scenario-harness.js';

/** Chilled room whose threshold rules stay quiet between 2 and 5 °C, with a rate rule of 0.1 °C/min over 10 min. */
const CONFIG = {
  assets: [{ id: 'room-1', class: 'chilled', rate: { rate_c_per_min: 0.1, window_s: 600, clear_delay_s: 0 } }],
};

function send(harness: EngineHarness, device: string, second: number, air_c: number): void {
  harness.engine.handleReading(temperatureReading(START_MS + second * 1000, air_c, { device }));
}

/** Returns the rate-of-rise transitions, as `<transition>@<seconds after the start>s`. */
function rateTransitions(harness: EngineHarness): string[] {
  return harness.transitions
    .filter((transition) => transition.alarm.rule === 'rate_of_rise')
    .map((transition) => `${transition.transition}@${(transition.time_ms - START_MS) / 1000}s`);
}

describe('rate of rise with two devices', () => {
  it('ignores two flat probes that read apart', () => {
    const harness = startEngine(CONFIG);
    // The controller reads 2.0 °C every minute from the start. The room node, 30 s after each controller
    // reading, reads 5.0 °C from minute 5, so a window mixing both climbs from 2 to 5 °C.
    for (let second = 0; second < 60 * 60; second += 60) {
      send(harness, 'ctl-1', second, 2.0);
      if (second >= 5 * 60) send(harness, 'node-1', second + 30, 5.0);
    }
    expect(rateTransitions(harness)).toEqual([]);
  });

  it('raises from one rising probe', () => {
    const harness = startEngine(CONFIG);
    // The node rises by 0.3 °C/min from 2 °C while the controller stays at 3 °C. The node's readings
    // span 80 % of the 10 min window at 8.5 min, 8 min after its first, and its slope is the steepest.
    for (let second = 0; second < 12 * 60; second += 60) {
      send(harness, 'ctl-1', second, 3.0);
      send(harness, 'node-1', second + 30, 2 + 0.3 * (second / 60));
    }
    expect(rateTransitions(harness)).toEqual(['raised@510s']);
    expect(raisedRules(harness)).toEqual(['rate_of_rise@9']);
  });

  it('clears when the rising probe flattens', () => {
    const harness = startEngine(CONFIG);
    for (let second = 0; second < 12 * 60; second += 60) {
      send(harness, 'ctl-1', second, 3.0);
      send(harness, 'node-1', second + 30, 2 + 0.3 * (second / 60));
    }
    // From 750 s the node reads 5.3 °C. At 1170 s its window (570 s to 1170 s) contains three readings
    // of the rise and eight flat ones, and its slope falls below the clear level of 0.05 °C/min.
    for (let second = 12 * 60; second < 30 * 60; second += 60) {
      send(harness, 'ctl-1', second, 3.0);
      send(harness, 'node-1', second + 30, 5.3);
    }
    expect(rateTransitions(harness)).toEqual(['raised@510s', 'cleared@1170s']);
  });

  it('stays raised while the rising probe keeps rising', () => {
    const harness = startEngine(CONFIG);
    for (let second = 0; second < 30 * 60; second += 60) {
      send(harness, 'ctl-1', second, 3.0);
      send(harness, 'node-1', second + 30, 2 + 0.3 * (second / 60));
    }
    expect(rateTransitions(harness)).toEqual(['raised@510s']);
  });

  it('clears after the rising probe goes silent', () => {
    const harness = startEngine(CONFIG);
    for (let second = 0; second < 12 * 60; second += 60) {
      send(harness, 'ctl-1', second, 3.0);
      send(harness, 'node-1', second + 30, 2 + 0.3 * (second / 60));
    }
    // The node's last reading is at 690 s. Its slope counts for two of its 60 s intervals, until 810 s,
    // and the controller's flat slope alone clears the alarm at its reading at 840 s.
    for (let second = 12 * 60; second < 30 * 60; second += 60) send(harness, 'ctl-1', second, 3.0);
    expect(rateTransitions(harness)).toEqual(['raised@510s', 'cleared@840s']);
  });
});
