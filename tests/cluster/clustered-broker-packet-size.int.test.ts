import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerRejection } from '../../gateway/broker/embedded-broker.js';
import { type ClusteredBroker, startClusteredBroker } from '../../gateway/cluster/clustered-broker.js';
import { connectRaw, sendOversizedPublish } from '../gateway/broker/raw-mqtt-client.js';
import { createTestCertificates, type TestCertificates } from '../gateway/broker/test-certificates.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

describe('clustered broker packet size guard', () => {
  let redis: RedisServer;
  let certificates: TestCertificates;
  let nodes = 0;
  const brokers: ClusteredBroker[] = [];
  const clients: MqttClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    certificates = createTestCertificates();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(clients.splice(0).map((each) => each.endAsync(true)));
    await Promise.all(brokers.splice(0).map((each) => each.stop()));
  });

  afterAll(async () => {
    certificates?.remove();
    await redis?.stop();
  });

  const trust = () => [readFileSync(certificates.ca_file)];

  async function node(max_payload_bytes: number | undefined) {
    nodes++;
    const broker = await startClusteredBroker({
      redis_url: redis.url,
      node_id: `packet-size-${nodes}`,
      port: 0,
      max_payload_bytes,
      tls: { port: 0, cert_file: certificates.cert_file, key_file: certificates.key_file },
    });
    brokers.push(broker);
    const rejections: BrokerRejection[] = [];
    broker.events.on('rejected', (rejection) => rejections.push(rejection));
    return { broker, rejections };
  }

  async function raw(broker: ClusteredBroker, listener: 'tcp' | 'tls', client_id: string): Promise<Socket> {
    const socket =
      listener === 'tcp'
        ? await connectRaw({ port: broker.port, client_id })
        : await connectRaw({ port: broker.tls_port!, client_id, tls_ca: trust() });
    sockets.push(socket);
    return socket;
  }

  function attack(socket: Socket, maxPayloadBytes = 64 * 1024 * 1024) {
    return sendOversizedPublish(socket, {
      announcedBytes: 200_000_000,
      firstBytes: 4096,
      waitMs: 2000,
      maxPayloadBytes,
    });
  }

  it.each(['tcp', 'tls'] as const)('closes an oversized packet over %s', async (listener) => {
    const { broker, rejections } = await node(1024);
    const outcome = await attack(await raw(broker, listener, `oversized-${listener}`));
    expect(outcome.closed).toBe(true);
    expect(outcome.payload_bytes_sent).toBeLessThanOrEqual(4096);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ reason: 'packet_too_large', listener, remote_address: '127.0.0.1' });
  });

  it.each(['tcp', 'tls'] as const)('keeps other clients publishing over %s', async (listener) => {
    const { broker } = await node(1024);
    const url = listener === 'tcp' ? broker.url : broker.tls_url!;
    const device = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ca: trust() });
    clients.push(device);
    await device.subscribeAsync('cold/room-1', { qos: 1 });
    const received: string[] = [];
    device.on('message', (_topic, payload) => received.push(payload.toString()));
    await attack(await raw(broker, listener, `oversized-${listener}`));
    await device.publishAsync('cold/room-1', 'after', { qos: 1 });
    await expect.poll(() => received).toEqual(['after']);
  });

  it('leaves a node without a limit alone', async () => {
    const { broker, rejections } = await node(undefined);
    const outcome = await sendOversizedPublish(await raw(broker, 'tcp', 'large-1'), {
      announcedBytes: 200_000_000,
      firstBytes: 4096,
      waitMs: 300,
      maxPayloadBytes: 4096,
    });
    expect(outcome.closed).toBe(false);
    expect(rejections).toEqual([]);
  });
});
