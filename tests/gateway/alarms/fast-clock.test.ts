import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ScaledClock } from '../../../firmware-sim/physics/clock.js';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import type { AlarmTransition } from '../../../gateway/alarms/alarm-registry.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { START_MS, temperatureReading } from './scenario-harness.js';

describe('engine on a fast clock', () => {
  it('raises no-data on simulated time', async () => {
    // 600 simulated seconds per real second: the 900 s timeout passes in 1.5 s of wall time.
    const clock = new ScaledClock(600, START_MS);
    const config = alarmConfigSchema.parse({
      assets: [{ id: 'room-1', class: 'chilled' }],
      no_data: { timeout_s: 900 },
      tick_interval_s: 0.05,
    });
    const engine = new AlarmEngine({
      config,
      store: new AlarmStore(openRecordsDatabase(':memory:')),
      clock: () => clock.nowMs(),
    });
    const raised: AlarmTransition[] = [];
    engine.on('transition', (transition) => raised.push(transition));
    engine.start();
    let last_ms = 0;
    for (let index = 0; index < 5; index++) {
      last_ms = clock.nowMs();
      engine.handleReading(temperatureReading(last_ms, 3));
      await sleep(50);
    }
    await sleep(2500);
    engine.stop();
    const alarm = raised.find((transition) => transition.alarm.rule === 'no_data');
    expect(alarm).toBeDefined();
    const silent_s = ((alarm?.time_ms ?? 0) - last_ms) / 1000;
    expect(silent_s).toBeGreaterThan(900);
    // One tick is 30 simulated seconds; allow a few for timer jitter on a loaded machine.
    expect(silent_s).toBeLessThan(900 + 300);
  });
});
