import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { portAccepts } from './child-server.js';
import { freePort } from './free-port.js';
import { startInfluxd } from './influxd.js';
import { startMosquitto } from './mosquitto.js';

describe('harness', () => {
  it('free port can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await portAccepts(port)).toBe(false);
  });

  it('influxd answers queries then stops', async () => {
    const influxd = await startInfluxd();
    await influxd.query('CREATE DATABASE harness_check');
    const result = await influxd.query('SHOW DATABASES');
    await influxd.stop();
    expect(JSON.stringify(result)).toContain('harness_check');
    expect(await portAccepts(influxd.port)).toBe(false);
  });

  it('mosquitto delivers after restart', async () => {
    const broker = await startMosquitto();
    await broker.restart();
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    await client.subscribeAsync('harness/check', { qos: 1 });
    const received = new Promise<string>((resolve) =>
      client.once('message', (_topic, payload) => resolve(String(payload))),
    );
    await client.publishAsync('harness/check', 'hello', { qos: 1 });
    expect(await received).toBe('hello');
    await client.endAsync();
    await broker.stop();
    expect(await portAccepts(broker.port)).toBe(false);
  });

  it('influxd keeps data across restart', async () => {
    const influxd = await startInfluxd();
    await influxd.query('CREATE DATABASE kept');
    await influxd.kill();
    expect(await portAccepts(influxd.port)).toBe(false);
    await influxd.restart();
    const result = await influxd.query('SHOW DATABASES');
    await influxd.stop();
    expect(JSON.stringify(result)).toContain('kept');
  });

  it('mosquitto keeps retained messages when persistent', async () => {
    const broker = await startMosquitto({ persistence: true });
    const publisher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    await publisher.publishAsync('harness/retained', 'kept', { qos: 1, retain: true });
    await publisher.endAsync();
    await broker.restart();
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const received = new Promise<string>((resolve) =>
      client.once('message', (_topic, payload) => resolve(String(payload))),
    );
    await client.subscribeAsync('harness/retained', { qos: 1 });
    expect(await received).toBe('kept');
    await client.endAsync();
    await broker.stop();
  });
});
