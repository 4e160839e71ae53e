import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerRejection,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
  startEmbeddedBroker,
} from '../../../gateway/broker/embedded-broker.js';
import { maxPacketBytes } from '../../../gateway/broker/packet-size-guard.js';
import { connectRaw, sendOversizedPublish } from './raw-mqtt-client.js';
import { createTestCertificates, type TestCertificates } from './test-certificates.js';

const MAX_PAYLOAD_BYTES = 1024;
const ANNOUNCED_BYTES = 200_000_000;
/** Payload a client without the guard in its way streams before it gives up, to show the broker buffering it. */
const STREAM_CAP_BYTES = 64 * 1024 * 1024;

const brokers: EmbeddedBroker[] = [];
const clients: MqttClient[] = [];
const sockets: Socket[] = [];
let certificates: TestCertificates;

beforeAll(() => {
  certificates = createTestCertificates();
});

afterAll(() => certificates.remove());

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(clients.splice(0).map((each) => each.endAsync(true)));
  await Promise.all(brokers.splice(0).map((each) => each.stop()));
});

async function start(options: EmbeddedBrokerOptions = {}) {
  const broker = await startEmbeddedBroker({
    port: 0,
    max_payload_bytes: MAX_PAYLOAD_BYTES,
    tls: { port: 0, cert_file: certificates.cert_file, key_file: certificates.key_file },
    ...options,
  });
  brokers.push(broker);
  const rejections: BrokerRejection[] = [];
  broker.events.on('rejected', (rejection) => rejections.push(rejection));
  return { broker, rejections };
}

const trust = () => [readFileSync(certificates.ca_file)];

async function client(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const connected = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ca: trust(), ...options });
  clients.push(connected);
  return connected;
}

async function raw(broker: EmbeddedBroker, listener: 'tcp' | 'tls', client_id: string): Promise<Socket> {
  const socket =
    listener === 'tcp'
      ? await connectRaw({ port: broker.port, client_id })
      : await connectRaw({ port: broker.tls_port!, client_id, tls_ca: trust() });
  sockets.push(socket);
  return socket;
}

function attack(socket: Socket) {
  return sendOversizedPublish(socket, {
    announcedBytes: ANNOUNCED_BYTES,
    firstBytes: 4096,
    waitMs: 2000,
    maxPayloadBytes: STREAM_CAP_BYTES,
  });
}

/** Collects the payloads that `subscriber` receives on `topic`. */
function collect(subscriber: MqttClient, topic: string): Buffer[] {
  const received: Buffer[] = [];
  subscriber.on('message', (each, payload) => {
    if (each === topic) received.push(payload);
  });
  return received;
}

describe.each(['tcp', 'tls'] as const)('packet size guard over %s', (listener) => {
  const urlOf = (broker: EmbeddedBroker) => (listener === 'tcp' ? broker.url : broker.tls_url!);

  it('closes the connection after the header', async () => {
    const { broker } = await start();
    const outcome = await attack(await raw(broker, listener, 'oversized-1'));
    expect(outcome.closed).toBe(true);
    expect(outcome.payload_bytes_sent).toBeLessThanOrEqual(4096);
  });

  it('buffers none of the announced payload', async () => {
    const { broker } = await start();
    const socket = await raw(broker, listener, 'oversized-1');
    const before = process.memoryUsage().arrayBuffers;
    const outcome = await attack(socket);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    expect(outcome.payload_bytes_sent).toBeLessThan(outcome.payload_bytes_announced / 100);
  });

  it('reports the rejection', async () => {
    const { broker, rejections } = await start();
    await attack(await raw(broker, listener, 'oversized-1'));
    const limit = maxPacketBytes(MAX_PAYLOAD_BYTES);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({
      reason: 'packet_too_large',
      listener,
      remote_address: '127.0.0.1',
      client_id: 'oversized-1',
    });
    expect(rejections[0]?.detail).toContain(`packet of ${ANNOUNCED_BYTES + 16} bytes announced, limit ${limit}`);
    expect(rejections[0]?.detail).toContain('raise mqtt.broker.max_payload_bytes or send smaller messages');
  });

  it('keeps other clients publishing', async () => {
    const { broker } = await start();
    const device = await client(urlOf(broker), { clientId: 'room-1' });
    await device.subscribeAsync('cold/room-1', { qos: 1 });
    const received = collect(device, 'cold/room-1');
    const attacked = attack(await raw(broker, listener, 'oversized-1'));
    await device.publishAsync('cold/room-1', 'during', { qos: 1 });
    await attacked;
    await device.publishAsync('cold/room-1', 'after', { qos: 1 });
    await expect.poll(() => received.map(String)).toEqual(['during', 'after']);
    expect(device.connected).toBe(true);
  });

  it('delivers a publish at the limit', async () => {
    const { broker, rejections } = await start();
    const subscriber = await client(urlOf(broker), { clientId: 'subscriber' });
    await subscriber.subscribeAsync('#', { qos: 1 });
    // QoS 1 with the longest topic: 2 + 65,535 + 2 + 1024 bytes, exactly maxPacketBytes(1024).
    const topic = 'a'.repeat(65_535);
    const received = collect(subscriber, topic);
    const device = await client(urlOf(broker), { clientId: 'room-1' });
    await device.publishAsync(topic, Buffer.alloc(MAX_PAYLOAD_BYTES, 0x62), { qos: 1 });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]?.length).toBe(MAX_PAYLOAD_BYTES);
    expect(rejections).toEqual([]);
  });

  it('closes a publish one byte over the limit', async () => {
    const { broker, rejections } = await start();
    const device = await client(urlOf(broker), { clientId: 'room-1' });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish('a'.repeat(65_535), Buffer.alloc(MAX_PAYLOAD_BYTES + 1), { qos: 1 });
    await closed;
    expect(rejections.map((each) => each.reason)).toEqual(['packet_too_large']);
  });
});

describe('packet size guard without a limit', () => {
  it('leaves an announced packet waiting', async () => {
    const { broker, rejections } = await start({ max_payload_bytes: undefined });
    const socket = await raw(broker, 'tcp', 'large-1');
    const outcome = await sendOversizedPublish(socket, {
      announcedBytes: ANNOUNCED_BYTES,
      firstBytes: 4096,
      waitMs: 300,
      maxPayloadBytes: 4096,
    });
    expect(outcome.closed).toBe(false);
    expect(rejections).toEqual([]);
  });
});
