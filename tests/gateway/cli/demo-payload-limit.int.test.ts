import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../../gateway/config/schema.js';
import { type CliProcess, spawnCli } from './run-cli.js';

const REJECTION_LOG = 'mqtt broker rejected a client: payload_too_large';
const GUARD_REJECTION_LOG = 'mqtt broker rejected a client: packet_too_large';
/** Time the broker gets to close a connection or deliver a message, ms. */
const BROKER_TIMEOUT_MS = 10_000;

let directory: string;
let demo: CliProcess;
let brokerUrl: string;
const clients: MqttClient[] = [];

/** Connects a client that does not reconnect, so a closed connection stays closed. */
async function connect(clientId: string): Promise<MqttClient> {
  const client = await connectAsync(brokerUrl, { clientId, reconnectPeriod: 0 });
  clients.push(client);
  return client;
}

/** Returns the JSON log lines on the demo's stderr whose `msg` is `message`. */
function logLines(message: string): Array<Record<string, unknown>> {
  return demo
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === message);
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-demo-limit-'));
  const store = join(directory, 'demo.db');
  demo = spawnCli(['demo', '--mqtt-port', '0', '--store', store, '--interval-ms', '1000', '--duration', '90'], {
    timeout_ms: 120_000,
  });
  await demo.waitForStderr('demo fleet running', 60_000);
  const [running] = logLines('demo fleet running');
  brokerUrl = String(running?.broker);
}, 90_000);

afterAll(async () => {
  for (const client of clients) await client.endAsync(true);
  if (demo.child.exitCode === null) demo.child.kill('SIGTERM');
  await demo.exited;
  rmSync(directory, { recursive: true, force: true });
});

describe('coldpool demo broker payload limit', () => {
  it('listens on a loopback port', () => {
    expect(brokerUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
  });

  it('disconnects a publisher over the limit', async () => {
    const subscriber = await connect('oversize-subscriber');
    await subscriber.subscribeAsync('limit-test/oversize', { qos: 0 });
    const receivedSizes: number[] = [];
    subscriber.on('message', (_topic, payload) => receivedSizes.push(payload.length));
    const publisher = await connect('oversize-publisher');
    const closed = new Promise<boolean>((resolve) => publisher.once('close', () => resolve(true)));
    publisher.publish('limit-test/oversize', Buffer.alloc(DEFAULT_MAX_PAYLOAD_BYTES + 1, 0x78), { qos: 0 });

    expect(await Promise.race([closed, delay(BROKER_TIMEOUT_MS, false)])).toBe(true);
    expect(publisher.connected).toBe(false);
    expect(receivedSizes).toEqual([]);
  });

  // Reads the log line of the rejection in the test before.
  it('logs the rejection as coldpool run does', async () => {
    await demo.waitForStderr(REJECTION_LOG);
    const [entry] = logLines(REJECTION_LOG);
    expect(entry?.level).toBe(40);
    expect(entry?.reason).toBe('payload_too_large');
    expect(entry?.client_id).toBe('oversize-publisher');
    expect(entry?.topic).toBe('limit-test/oversize');
    expect(String(entry?.detail)).toContain(
      `${DEFAULT_MAX_PAYLOAD_BYTES + 1} bytes, limit ${DEFAULT_MAX_PAYLOAD_BYTES}`,
    );
  });

  it('closes a 1 MiB publish at its header', async () => {
    const publisher = await connect('huge-publisher');
    const closed = new Promise<boolean>((resolve) => publisher.once('close', () => resolve(true)));
    publisher.publish('limit-test/huge', Buffer.alloc(1_048_576, 0x78), { qos: 0 });

    expect(await Promise.race([closed, delay(BROKER_TIMEOUT_MS, false)])).toBe(true);
    await demo.waitForStderr(GUARD_REJECTION_LOG);
    const [entry] = logLines(GUARD_REJECTION_LOG);
    expect(entry?.client_id).toBe('huge-publisher');
    // Remaining length: the topic's 2-byte length prefix, the topic and the payload.
    const announced = 2 + 'limit-test/huge'.length + 1_048_576;
    expect(String(entry?.detail)).toContain(`packet of ${announced} bytes announced`);
  });

  it('delivers a payload at the limit', async () => {
    const subscriber = await connect('limit-subscriber');
    await subscriber.subscribeAsync('limit-test/#', { qos: 1 });
    const received = new Promise<number>((resolve) =>
      subscriber.once('message', (_topic, payload) => resolve(payload.length)),
    );
    const publisher = await connect('limit-publisher');
    const published = publisher.publishAsync('limit-test/at-limit', Buffer.alloc(DEFAULT_MAX_PAYLOAD_BYTES, 0x78), {
      qos: 1,
    });

    expect(await Promise.race([received, delay(BROKER_TIMEOUT_MS, -1)])).toBe(DEFAULT_MAX_PAYLOAD_BYTES);
    await published;
    expect(publisher.connected).toBe(true);
  });
});
