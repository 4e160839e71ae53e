import { afterAll, describe, expect, it } from 'vitest';
import { printTally, type Rig, sleep, startRig } from './support/fault-rig.js';

describe('influx-outage', () => {
  let rig: Rig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('loses and doubles nothing', async () => {
    rig = await startRig();
    await sleep(4000);
    await rig.influxd.kill();
    await sleep(8000);
    await rig.influxd.restart();
    await sleep(3000);
    const result = await rig.settle();
    printTally('influxd stopped 8 s', result);
    expect(result.sent).toBeGreaterThan(100);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(
      rig.gateway.logs.some((line) => line.msg === 'influxdb write failed; points stay queued and are retried'),
    ).toBe(true);
    const resumed = rig.gateway.logs.find((line) => line.msg === 'output writes resumed' && line.output === 'influx');
    expect(resumed?.failed_attempts).toBeGreaterThan(0);
  });
});
