import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import type { DeviceState } from '../../gateway/events.js';
import { Gateway } from '../../gateway/gateway.js';
import type { Reading } from '../../gateway/reading.js';
import { type RunningServer, startRegisterServer } from '../devices/modbus/modbus-peers.js';
import { freePort } from '../harness/free-port.js';

/** Returns a port that rejects connections: bound once to learn a free number, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gateway with bad inputs', () => {
  const lines: Array<Record<string, unknown>> = [];
  const readings: Reading[] = [];
  /** Readings of the MQTT room node; the Modbus devices poll on their own timers beside them. */
  const roomReadings = () => readings.filter((reading) => reading.tags.device === 'room-a');
  const health: Reading[] = [];
  const states: DeviceState[] = [];
  let gateway: Gateway;
  let client: MqttClient;
  let partialServer: RunningServer;
  let failingServer: RunningServer;

  beforeAll(async () => {
    const port = await freePort();
    // Every input register read gets exception 4 (server device failure), holding registers read normally.
    partialServer = await startRegisterServer(
      { holding: new Map([[100, 0xff4c]]) },
      {
        getInputRegister: () => {
          throw { modbusErrorCode: 4 };
        },
      },
    );
    // Every read of every table gets an exception, so each poll has four failing requests and no reading.
    const failWith = (code: number) => () => {
      throw { modbusErrorCode: code };
    };
    failingServer = await startRegisterServer(
      {},
      {
        getInputRegister: failWith(4),
        getHoldingRegister: failWith(4),
        getCoil: failWith(2),
        getDiscreteInput: failWith(2),
      },
    );
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = validateConfig({
      site: 'test-site',
      mqtt: { broker: { port }, republish: { enabled: false }, watch_topics: ['test/#'] },
      devices: [
        { id: 'room-a', protocol: 'mqtt', topic: 'test/room-a/state', profile: 'coldpool-room-celsius' },
        {
          id: 'ctrl-dead',
          protocol: 'modbus_tcp',
          host: '127.0.0.1',
          port: await deadPort(),
          poll_interval_s: 0.2,
          timeout_ms: 200,
          backoff_max_s: 1,
          profile: 'generic-tenths-c',
        },
        {
          id: 'ctrl-partial',
          protocol: 'modbus_tcp',
          host: '127.0.0.1',
          port: partialServer.port,
          poll_interval_s: 0.2,
          profile: 'generic-tenths-c',
        },
        {
          id: 'ctrl-failing',
          protocol: 'modbus_tcp',
          host: '127.0.0.1',
          port: failingServer.port,
          poll_interval_s: 0.2,
          profile: 'generic-tenths-c',
        },
      ],
      outputs: { local_store: { path: join(mkdtempSync(join(tmpdir(), 'coldpool-gw-')), 'store.db') } },
    });
    gateway = new Gateway(config, pino({ level: 'info' }, sink));
    gateway.bus.on('reading', (reading) => readings.push(reading));
    gateway.bus.on('device_health', (reading) => health.push(reading));
    gateway.bus.on('device_state', (state) => states.push(state));
    await gateway.start();
    client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'test-publisher' });
  });

  afterAll(async () => {
    await client?.endAsync();
    await gateway?.stop();
    await partialServer?.close();
    await failingServer?.close();
  });

  it('counts a malformed payload and keeps going', async () => {
    for (let i = 0; i < 5; i++) await client.publishAsync('test/room-a/state', '{"temp_c":NaN}', { qos: 1 });
    await client.publishAsync('test/room-a/state', JSON.stringify({ seq: 1, temp_c: 2.5, rh_pct: 80 }), { qos: 1 });
    await until(() => roomReadings().length === 1);
    expect(gateway.stats.payload_errors).toBe(5);
    expect(roomReadings()[0]?.fields.air_temp_c).toBe(2.5);
  });

  it('rate-limits the log of repeated faults', () => {
    const logged = lines.filter((line) => line.code === 'PAYLOAD_JSON_INVALID');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.topic).toBe('test/room-a/state');
  });

  it('counts unknown topics', async () => {
    await client.publishAsync('test/nobody/state', '{"temp_c":1}', { qos: 1 });
    await until(() => gateway.stats.unknown_topics === 1);
    expect(gateway.stats.unknown_topics).toBe(1);
  });

  it('turns a probe sentinel into a sensor fault', async () => {
    await client.publishAsync('test/room-a/state', JSON.stringify({ seq: 2, temp_c: -127, rh_pct: 81 }), { qos: 1 });
    await until(() => gateway.stats.sensor_faults === 1);
    await until(() => roomReadings().length === 2);
    expect(roomReadings()[1]?.fields.air_temp_c).toBeUndefined();
    expect(roomReadings()[1]?.fields.humidity_pct).toBe(81);
  });

  it('counts polls of an unreachable device', async () => {
    await until(() => gateway.stats.poll_errors >= 2);
    expect(readings.some((reading) => reading.tags.device === 'ctrl-dead')).toBe(false);
  });

  it('logs the unreachable device as down', async () => {
    await until(() => lines.some((line) => line.msg === 'device down' && line.device_id === 'ctrl-dead'));
    expect(lines.filter((line) => line.msg === 'device down').length).toBe(1);
  });

  it('names the error code of a down device', async () => {
    await until(() => states.some((state) => state.device_id === 'ctrl-dead' && !state.up));
    const down = states.find((state) => state.device_id === 'ctrl-dead' && !state.up);
    // The fleet API shows this text as the device's last error, in the form of its input problems.
    expect(down?.last_error).toMatch(/^MODBUS_[A-Z_]+: .*ECONNREFUSED/);
  });

  it('writes a down health point for it', async () => {
    await until(() => health.some((point) => point.fields.consecutive_failures === 2));
    const point = health.find((candidate) => candidate.fields.consecutive_failures === 2);
    expect(point?.measurement).toBe('device_health');
    expect(point?.tags.device).toBe('ctrl-dead');
    expect(point?.fields.up).toBe(false);
    expect(point?.fields.last_error).toContain('ECONNREFUSED');
  });

  it('counts and logs a field of the wrong type', async () => {
    const before = roomReadings().length;
    await client.publishAsync('test/room-a/state', JSON.stringify({ seq: 3, temp_c: [6], rh_pct: 70 }), { qos: 1 });
    await until(() => roomReadings().length === before + 1);
    expect(gateway.stats.field_errors).toBeGreaterThan(0);
    expect(lines.some((line) => line.msg === 'field not read' && line.field === 'air_temp_c')).toBe(true);
  });

  it('logs a failed register read once', async () => {
    await until(() => readings.filter((reading) => reading.tags.device === 'ctrl-partial').length >= 2);
    const reading = readings.find((candidate) => candidate.tags.device === 'ctrl-partial');
    expect(reading?.fields.setpoint_c).toBe(-18);
    expect(reading?.fields.air_temp_c).toBeUndefined();
    const problems = lines.filter((line) => line.device_id === 'ctrl-partial' && line.code === 'MODBUS_EXCEPTION');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.msg).toBe('modbus input problem');
    expect(problems[0]?.message).toMatch(
      /exception 4 \(server device failure\).*function code 4, address 0, quantity 7/,
    );
    const fieldLines = lines.filter((line) => line.device_id === 'ctrl-partial' && line.field !== undefined);
    expect(fieldLines).toEqual([]);
  });

  it('logs each failed request of a device', async () => {
    const failing = () => lines.filter((line) => line.device_id === 'ctrl-failing' && line.code === 'MODBUS_EXCEPTION');
    await until(() => failing().length >= 4);
    expect(
      failing()
        .map((line) => line.request)
        .sort(),
    ).toEqual(['fc1@0+3', 'fc2@0+4', 'fc3@100+2', 'fc4@0+7']);
    expect(readings.some((reading) => reading.tags.device === 'ctrl-failing')).toBe(false);
  });

  it('logs skew, limit and fix of a future stamp', async () => {
    const ts = Date.now() + 3_600_000;
    await client.publishAsync('test/room-a/state', JSON.stringify({ seq: 9, ts, temp_c: 2, rh_pct: 80 }), { qos: 1 });
    await until(() => lines.some((line) => line.device_id === 'room-a' && line.reason === 'ahead'));
    const line = lines.find((candidate) => candidate.device_id === 'room-a' && candidate.reason === 'ahead')!;
    expect(line.msg).toBe('device timestamp implausible; the reading is stored at the receive time');
    expect(line.max_clock_skew_s).toBe(300);
    expect(line.skew_s).toBeGreaterThanOrEqual(3590);
    expect(line.skew_s).toBeLessThanOrEqual(3600);
    expect(line.message).toMatch(/^device room-a timestamp is 3(59\d|600) s ahead of the receive time/);
    expect(line.message).toContain('more than max_clock_skew_s (300 s)');
    expect(line.message).toContain('raise max_clock_skew_s');
  });
});
