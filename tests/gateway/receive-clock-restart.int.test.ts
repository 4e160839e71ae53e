import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { DurableQueue } from '../../gateway/queue/durable-queue.js';
import { UPSERT_RECEIVE_CLOCK_SQL } from '../../gateway/queue/queue-sql.js';
import type { Reading } from '../../gateway/reading.js';
import { freePort } from '../harness/free-port.js';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts a gateway with two MQTT room nodes: room-1 sends its own time and is an alarm asset, room-2 sends no
 * time, so its readings get receive times.
 */
async function startGateway(dir: string, port: number, log = pino({ level: 'silent' })) {
  const config = validateConfig({
    site: 'test-site',
    mqtt: { broker: { port }, republish: { enabled: false } },
    devices: [
      { id: 'room-1', protocol: 'mqtt', topic: 'test/room-1/state', profile: 'coldpool-room-celsius' },
      { id: 'room-2', protocol: 'mqtt', topic: 'test/room-2/state', profile: 'coldpool-room-celsius' },
    ],
    alarms: { store_path: join(dir, 'records.db'), assets: [{ id: 'room-1', class: 'chilled' }] },
    outputs: {
      local_store: { path: join(dir, 'store.db') },
      queue: { path: join(dir, 'queue.db'), self_metrics_interval_s: 0 },
    },
  });
  const gateway = new Gateway(config, log);
  const readings: Reading[] = [];
  const alarmReadings: Reading[] = [];
  gateway.bus.on('reading', (reading) => {
    readings.push(reading);
    // Gateways before the `alarm_reading` event sent alarm readings here.
    if (reading.measurement === 'alarm') alarmReadings.push(reading);
  });
  gateway.bus.on('alarm_reading', (reading) => alarmReadings.push(reading));
  await gateway.start();
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'test-publisher' });
  return { gateway, client, readings, alarmReadings };
}

/** Publishes a reading of room-2, which has no time of its own, and returns the reading the gateway made. */
async function receiveStamped(client: MqttClient, readings: Reading[]): Promise<Reading> {
  await client.publishAsync('test/room-2/state', JSON.stringify({ seq: 1, temp_c: 3, rh_pct: 80 }), { qos: 1 });
  await until(() => readings.some((reading) => reading.tags.device === 'room-2'));
  return readings.find((reading) => reading.tags.device === 'room-2')!;
}

describe('receive clock across a restart', () => {
  let running: { gateway: Gateway; client: MqttClient } | undefined;

  afterEach(async () => {
    await running?.client.endAsync();
    await running?.gateway.stop();
    running = undefined;
  });

  it('ignores alarm times ahead of the clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-receive-clock-'));
    const port = await freePort();
    const first = await startGateway(dir, port);
    running = first;
    // A probe fault stamped 4 minutes ahead, inside the default max_clock_skew_s of 300 s.
    const fault = { seq: 1, ts: Date.now() + 240_000, temp_c: -127, rh_pct: 80 };
    await first.client.publishAsync('test/room-1/state', JSON.stringify(fault), { qos: 1 });
    await until(() => first.alarmReadings.length === 1);
    expect(first.alarmReadings[0]?.time_ms).toBe(fault.ts);
    await first.client.endAsync();
    await first.gateway.stop();
    running = undefined;

    const second = await startGateway(dir, port);
    running = second;
    const published_ms = Date.now();
    const reading = await receiveStamped(second.client, second.readings);
    expect(reading.time_source).toBe('receive');
    expect(reading.time_ms).toBeGreaterThanOrEqual(published_ms);
    expect(reading.time_ms).toBeLessThanOrEqual(Date.now());
  }, 60_000);

  it('ignores a stored clock far ahead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-receive-clock-'));
    const stored_ms = Date.now() + 600_000;
    // A queue file whose receive clock an earlier version moved ahead of the wall clock.
    const queue = new DurableQueue({ path: join(dir, 'queue.db'), outputs: ['local_store'] });
    queue.db.prepare(UPSERT_RECEIVE_CLOCK_SQL).run(stored_ms);
    queue.close();
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const started = await startGateway(dir, await freePort(), log);
    running = started;
    const published_ms = Date.now();
    const reading = await receiveStamped(started.client, started.readings);
    expect(reading.time_ms).toBeGreaterThanOrEqual(published_ms);
    expect(reading.time_ms).toBeLessThanOrEqual(Date.now());
    const warning = lines.find((line) => line.stored_receive_time !== undefined);
    expect(warning?.stored_receive_time).toBe(new Date(stored_ms).toISOString());
    expect(typeof warning?.wall_clock).toBe('string');
  }, 60_000);
});

describe('reading counters with alarms', () => {
  let running: { gateway: Gateway; client: MqttClient } | undefined;

  afterEach(async () => {
    await running?.client.endAsync();
    await running?.gateway.stop();
    running = undefined;
  });

  it('counts alarm readings apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-alarm-counts-'));
    const started = await startGateway(dir, await freePort());
    running = started;
    const fault = { seq: 1, ts: Date.now(), temp_c: -127, rh_pct: 80 };
    await started.client.publishAsync('test/room-1/state', JSON.stringify(fault), { qos: 1 });
    await until(() => started.alarmReadings.length === 1);
    const { stats } = started.gateway;
    expect(stats.readings).toBe(1);
    expect(Object.fromEntries(stats.readings_by_device)).toEqual({ 'room-1': 1 });
    expect(stats.alarm_readings).toBe(1);
    expect(started.readings.map((reading) => reading.measurement)).toEqual(['cold_room']);
  }, 60_000);
});
