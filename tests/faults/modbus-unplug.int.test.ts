import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE, type Rig, sleep, startRig } from './support/fault-rig.js';
import { rows } from './support/influx-tally.js';

const UNPLUGGED_MS = 5000;
const POLL_INTERVAL_S = 0.5;
const BACKOFF_MAX_S = 1;

describe('modbus-unplug', () => {
  let rig: Rig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('leaves a gap and no stale values', async () => {
    rig = await startRig({
      fleet: { rooms: 1, controllers: 1, trucks: 0 },
      poll_interval_s: POLL_INTERVAL_S,
      adjust: (config) => {
        for (const device of config.devices as Record<string, unknown>[]) {
          if (device.protocol !== 'modbus_tcp') continue;
          device.timeout_ms = 300;
          device.backoff_max_s = BACKOFF_MAX_S;
        }
      },
    });
    await sleep(3000);
    const unpluggedAt = Date.now();
    rig.fleet.injectFault('ctrl-1', 'disconnect');
    await sleep(UNPLUGGED_MS);
    const pluggedAt = Date.now();
    rig.fleet.clearFault('ctrl-1');
    await sleep(4000);
    await rig.settle();
    const result = await rig.influxd.query(`SELECT air_temp_c FROM cold_room WHERE device = 'ctrl-1'`, DATABASE);
    const times = rows(result).map((row) => Date.parse(String(row.time)));
    const during = times.filter((time) => time > unpluggedAt + 1000 && time < pluggedAt);
    const gaps = times.slice(1).map((time, index) => time - (times[index] as number));
    const largestGap = Math.max(...gaps);
    const after = times.filter((time) => time > pluggedAt);
    process.stdout.write(
      `modbus unplugged ${UNPLUGGED_MS} ms: ${times.length} points, largest gap ${largestGap} ms, ${during.length} during, ${after.length} after\n`,
    );
    expect(during).toEqual([]);
    expect(largestGap).toBeGreaterThanOrEqual(UNPLUGGED_MS - POLL_INTERVAL_S * 1000);
    expect(largestGap).toBeLessThanOrEqual(UNPLUGGED_MS + (BACKOFF_MAX_S + 2 * POLL_INTERVAL_S) * 1000 + 1000);
    expect(after.length).toBeGreaterThan(3);
  });
});
