/**
 * Acceptance run, on demand only (about 2.5 minutes): COLDPOOL_ACCEPTANCE=1 npx vitest run
 * tests/faults/acceptance.int.test.ts. The gateway is killed with SIGKILL every 10 s for two minutes
 * while influxd is stopped for one of those minutes; no reading may be lost or doubled.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { printTally, type Rig, sleep, startRig } from './support/fault-rig.js';

const RUN_MS = 120_000;
const KILL_EVERY_MS = 10_000;
const INFLUX_DOWN_FROM_MS = 30_000;
const INFLUX_DOWN_MS = 60_000;

describe.runIf(process.env.COLDPOOL_ACCEPTANCE === '1')('acceptance', () => {
  let rig: Rig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('loses and doubles nothing', { timeout: 300_000 }, async () => {
    rig = await startRig({ fleet: { rooms: 3, controllers: 2, trucks: 2, interval_ms: 500 } });
    const started = Date.now();
    let kills = 0;
    let influxDown = false;
    let influxRestarted = false;
    // Kills follow a fixed schedule from the start, so the time a restart takes does not stretch it.
    for (let at = KILL_EVERY_MS; at <= RUN_MS; at += KILL_EVERY_MS) {
      await sleep(Math.max(0, started + at - Date.now()));
      if (!influxDown && at >= INFLUX_DOWN_FROM_MS) {
        await rig.influxd.kill();
        influxDown = true;
      }
      if (influxDown && !influxRestarted && at >= INFLUX_DOWN_FROM_MS + INFLUX_DOWN_MS) {
        await rig.influxd.restart();
        influxRestarted = true;
      }
      await rig.gateway.kill();
      kills += 1;
      await rig.gateway.start();
    }
    if (!influxRestarted) await rig.influxd.restart();
    const result = await rig.settle(60_000);
    printTally(`acceptance: ${kills} SIGKILLs in ${RUN_MS / 1000} s, influxd down ${INFLUX_DOWN_MS / 1000} s`, result);
    expect(kills).toBe(RUN_MS / KILL_EVERY_MS);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
  });
});
