import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../gateway/reading.js';
import { type EngineHarness, raisedRules, START_MS, startEngine } from './scenario-harness.js';

const CONFIG = {
  assets: [{ id: 'chill-1', class: 'chilled', rate: { enabled: false } }],
};

function airReading(device: string, second: number, air_c: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'site-1', asset: 'chill-1', device },
    fields: { air_temp_c: air_c },
    integer_fields: new Set(),
    time_ms: START_MS + second * 1000,
    time_source: 'source',
  };
}

/** Feeds a room node at `node_c` and a controller at `controller_c`, each every 30 s, 15 s apart. */
function feed(harness: EngineHarness, from_s: number, to_s: number, node_c: number, controller_c: number): void {
  for (let second = from_s; second < to_s; second += 30) {
    harness.engine.handleReading(airReading('room-1', second, node_c));
    harness.engine.handleReading(airReading('ctrl-1', second + 15, controller_c));
  }
}

describe('temperature probes shared by two devices', () => {
  it('raises from the warmer probe', () => {
    const harness = startEngine(CONFIG);
    // The node by the door reads 5.6 °C, the return-air probe 4.6 °C: the warning rule above 5 °C has a
    // consecutive on-delay of 15 min, which the cooler probe must not restart. The node's value counts
    // for the other probe once its interval is known, from its second reading at 30 s, so the warning
    // comes 15 min after that, at 15.5 min (16 when rounded).
    feed(harness, 0, 20 * 60, 5.6, 4.6);
    expect(raisedRules(harness)).toEqual(['high_warning@16']);
  });

  it('clears once every probe is inside', () => {
    const harness = startEngine(CONFIG);
    feed(harness, 0, 20 * 60, 5.6, 4.6);
    feed(harness, 20 * 60, 40 * 60, 5.6, 3);
    const cleared = harness.transitions.filter((transition) => transition.transition === 'cleared');
    expect(cleared).toEqual([]);
    feed(harness, 40 * 60, 50 * 60, 3, 3);
    expect(harness.transitions.some((transition) => transition.transition === 'cleared')).toBe(true);
  });

  it('forgets a probe that went silent', () => {
    const harness = startEngine(CONFIG);
    // The node reads 9 °C once and then stops. Its interval is never known, so its value never counts
    // beside the controller's 3 °C, and no alarm is raised from it.
    harness.engine.handleReading(airReading('room-1', 0, 9));
    for (let second = 15; second < 40 * 60; second += 30) harness.engine.handleReading(airReading('ctrl-1', second, 3));
    expect(raisedRules(harness)).toEqual([]);
  });
});
