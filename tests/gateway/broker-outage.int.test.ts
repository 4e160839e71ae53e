/**
 * A gateway on an external mosquitto that is down when the gateway starts, or that goes away and comes
 * back while it runs. The test starts and stops mosquitto itself on 127.0.0.1 and a free port.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

interface LogLine {
  level: number;
  msg: string;
  url?: string;
  err?: string;
  [key: string]: unknown;
}

const WARN = 40;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts mosquitto on `port` and stops it after the test. */
async function startBroker(port: number): Promise<Mosquitto> {
  const broker = await startMosquitto({ port });
  cleanups.push(() => broker.stop());
  return broker;
}

/** Builds a gateway on the external broker at `port` with one MQTT room node, logging into `lines`. */
function gatewayOn(port: number, lines: LogLine[], republish: boolean): Gateway {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-outage-'));
  const config = validateConfig({
    site: 'outage',
    mqtt: { url: `mqtt://127.0.0.1:${port}`, client_id: `coldpool-outage-${port}`, republish: { enabled: republish } },
    devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
    outputs: { local_store: { path: join(dir, 'store.db') }, queue: { path: join(dir, 'queue.db') } },
  });
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const gateway = new Gateway(config, log);
  cleanups.push(() => gateway.stop());
  return gateway;
}

/** Polls `condition` every 100 ms. Rejects with an error naming `what` after `timeout_ms`. */
async function waitFor(condition: () => boolean, what: string, timeout_ms = 20_000): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout_ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function messages(lines: readonly LogLine[], text: string): LogLine[] {
  return lines.filter((line) => line.msg.startsWith(text));
}

describe('gateway with its broker down at start', () => {
  it('starts and subscribes later', async () => {
    const port = await freePort();
    const lines: LogLine[] = [];
    const gateway = gatewayOn(port, lines, false);
    await gateway.start();

    const warnings = messages(lines, 'mqtt broker unreachable at start');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(WARN);
    expect(warnings[0]?.url).toBe(`mqtt://127.0.0.1:${port}`);
    expect(warnings[0]?.err).toContain('ECONNREFUSED');
    expect(messages(lines, 'gateway started')).toHaveLength(1);
    expect(messages(lines, 'mqtt input subscribed')).toHaveLength(0);

    const broker = await startBroker(port);
    await waitFor(() => messages(lines, 'mqtt input subscribed').length > 0, 'the mqtt input to subscribe');
    const device = await connectAsync(broker.url, { clientId: `room-1-${port}`, reconnectPeriod: 0 });
    cleanups.push(() => device.endAsync(true));
    await device.publishAsync('rooms/1', JSON.stringify({ seq: 1, temp_c: 3.5 }), { qos: 1 });
    await waitFor(() => (gateway.stats.readings_by_device.get('room-1') ?? 0) > 0, 'the reading of room-1');

    expect(gateway.stats.readings_by_device.get('room-1')).toBe(1);
    expect(messages(lines, 'mqtt broker unreachable at start')).toHaveLength(1);
    // A first connection is no reconnect.
    expect(messages(lines, 'mqtt input reconnected')).toHaveLength(0);
  }, 60_000);
});

describe('gateway during a broker outage', () => {
  it('logs errors once and reconnects', async () => {
    const port = await freePort();
    const first = await startMosquitto({ port });
    cleanups.push(() => first.stop());
    const lines: LogLine[] = [];
    const gateway = gatewayOn(port, lines, true);
    await gateway.start();
    expect(messages(lines, 'mqtt broker unreachable at start')).toHaveLength(0);

    await first.stop();
    // The control and republish clients retry every 2 s, so 7 s gives each at least three failed attempts.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    for (const name of ['control client', 'republish client']) {
      const errors = messages(lines, `${name} error`);
      expect(errors, name).toHaveLength(1);
      expect(errors[0]?.level, name).toBe(WARN);
      expect(errors[0]?.url, name).toBe(`mqtt://127.0.0.1:${port}`);
    }

    await startBroker(port);
    await waitFor(
      () =>
        messages(lines, 'control client reconnected').length > 0 &&
        messages(lines, 'republish client reconnected').length > 0 &&
        messages(lines, 'mqtt input reconnected').length > 0,
      'the three clients to reconnect',
    );
    const input = messages(lines, 'mqtt input reconnected');
    expect(input).toHaveLength(1);
    expect(input[0]?.url).toBe(`mqtt://127.0.0.1:${port}`);
    expect(input[0]?.outage_ms).toBeGreaterThanOrEqual(7000);
    for (const name of ['control client', 'republish client']) {
      const reconnected = messages(lines, `${name} reconnected`);
      expect(reconnected, name).toHaveLength(1);
      expect(reconnected[0]?.url, name).toBe(`mqtt://127.0.0.1:${port}`);
      expect(reconnected[0]?.failed_attempts, name).toBeGreaterThanOrEqual(3);
    }
  }, 60_000);
});
