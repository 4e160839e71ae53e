import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { printTally, type Rig, sleep, startRig } from './support/fault-rig.js';

const GAP_TOPIC = 'fault/gap-1/state';

describe('mosquitto-restart', () => {
  let rig: Rig | undefined;

  afterAll(async () => {
    await rig?.stop();
  });

  it('resubscribes and delivers gap messages', async () => {
    rig = await startRig({
      extra_topics: new Map([[GAP_TOPIC, 'gap-1']]),
      adjust: (config) => {
        const devices = config.devices as Record<string, unknown>[];
        devices.push({ id: 'gap-1', protocol: 'mqtt', topic: GAP_TOPIC, profile: 'coldpool-room-celsius' });
      },
    });
    await sleep(3000);
    await rig.broker.restart();
    // The gateway reconnects after its reconnect period (1 s), so these reach its persistent session
    // on the broker before the gateway is back.
    const publisher = await connectAsync(rig.broker.url, { clientId: 'fault-gap-publisher' });
    // Distinct timestamps: points of one series at the same millisecond overwrite each other in InfluxDB.
    const firstStamp = Date.now() - 60_000;
    for (let seq = 1; seq <= 20; seq++) {
      const payload = {
        seq,
        ts: firstStamp + seq * 1000,
        temp_c: 3 + seq / 100,
        rh_pct: 80,
        door_open: false,
        battery_pct: 90,
      };
      await publisher.publishAsync(GAP_TOPIC, JSON.stringify(payload), { qos: 1 });
    }
    await publisher.endAsync();
    await sleep(4000);
    const result = await rig.settle();
    printTally('mosquitto restarted', result);
    expect(rig.observer.sent.get('gap-1')?.size).toBe(20);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
  });
});
