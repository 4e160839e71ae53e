import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../firmware-sim/fleet.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

describe('gateway on mosquitto into influxdb', () => {
  let influxd: Influxd;
  let mosquitto: Mosquitto;
  let fleet: Fleet;
  let gateway: Gateway;

  beforeAll(async () => {
    [influxd, mosquitto] = await Promise.all([startInfluxd(), startMosquitto()]);
    fleet = await startFleet({
      broker_url: mosquitto.url,
      rooms: 2,
      controllers: 0,
      trucks: 1,
      interval_ms: 200,
      seed: 3,
    });
    const config = validateConfig({
      site: 'ext',
      mqtt: { url: mosquitto.url, client_id: 'coldpool-ext-test', republish: { enabled: false } },
      devices: fleet.devices.map((device) => ({
        id: device.id,
        protocol: 'mqtt',
        topic: device.topic,
        profile:
          device.kind === 'truck'
            ? 'coldpool-reefer'
            : device.dialect === 'fahrenheit'
              ? 'coldpool-room-fahrenheit'
              : 'coldpool-room-celsius',
      })),
      outputs: {
        // The other gateway tests write from the worker thread; this one covers the main-thread sink.
        influx: { url: `${influxd.url}/ext`, flush_interval_ms: 100, worker_thread: false },
        local_store: { path: join(mkdtempSync(join(tmpdir(), 'coldpool-ext-')), 'store.db') },
      },
    });
    gateway = new Gateway(config, pino({ level: 'silent' }));
    await gateway.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await fleet.stop();
    await gateway.stop();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([influxd?.stop(), mosquitto?.stop()]);
  });

  it('stores every device', async () => {
    const body = await influxd.query('SELECT count("seq") FROM "cold_room", "reefer" GROUP BY "device"', 'ext');
    const devices = (body.results[0].series ?? []).map((series: { tags: { device: string } }) => series.tags.device);
    expect([...new Set(devices)].sort()).toEqual(['room-1', 'room-2', 'truck-1']);
  });

  it('converts the fahrenheit node to celsius', async () => {
    const body = await influxd.query(`SELECT max("air_temp_c") FROM "cold_room" WHERE "device" = 'room-2'`, 'ext');
    const max = body.results[0].series[0].values[0][1] as number;
    expect(max).toBeLessThan(15);
  });

  it('stores each room sequence once', async () => {
    const body = await influxd.query(`SELECT "seq" FROM "cold_room" WHERE "device" = 'room-1'`, 'ext');
    const seqs = (body.results[0].series[0].values as Array<[string, number]>).map((row) => row[1]);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length).toBeGreaterThan(5);
  });
});

describe('gateway with a wrong broker password', () => {
  let broker: Mosquitto | undefined;

  afterAll(async () => {
    await broker?.stop();
  });

  it('names the credential keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-ext-login-'));
    const passwords = join(dir, 'passwords');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwords, 'gw', 'right-password']);
    // mosquitto reads the file as its own user after dropping root.
    chmodSync(dir, 0o755);
    chmodSync(passwords, 0o644);
    broker = await startMosquitto({ password_file: passwords });
    process.env.COLDPOOL_TEST_BROKER_PASSWORD = 'wrong-password';
    const config = validateConfig({
      site: 'ext',
      mqtt: {
        url: broker.url,
        username: 'gw',
        password_env: 'COLDPOOL_TEST_BROKER_PASSWORD',
        republish: { enabled: false },
      },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
    });
    const gateway = new Gateway(config, pino({ level: 'silent' }));
    try {
      const error = await gateway.start().catch((caught: unknown) => caught as Error);
      expect(error?.message).toContain('check mqtt.username and the password that mqtt.password_env');
      expect(error?.message).not.toContain('wrong-password');
    } finally {
      delete process.env.COLDPOOL_TEST_BROKER_PASSWORD;
      await gateway.stop();
    }
  });
});
