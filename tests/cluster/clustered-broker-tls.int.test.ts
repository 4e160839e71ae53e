import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerRejection, BrokerTlsOptions } from '../../gateway/broker/embedded-broker.js';
import {
  type ClusteredBroker,
  type ClusteredBrokerOptions,
  startClusteredBroker,
} from '../../gateway/cluster/clustered-broker.js';
import { createMqttAccess } from '../../gateway/security/mqtt-access.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import { mqttAuthSchema } from '../../gateway/security/security-config.js';
import { createTestCertificates, type TestCertificates } from '../gateway/broker/test-certificates.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

const cheap = { ln: 4, r: 8, p: 1 };

describe('clustered broker tls', () => {
  let redis: RedisServer;
  let certificates: TestCertificates;
  let users: unknown[];
  let nodes = 0;
  const brokers: ClusteredBroker[] = [];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    certificates = createTestCertificates();
    users = [
      { username: 'room-1', password_hash: await hashPassword('pw-room-1', cheap) },
      { username: 'truck-7', role: 'device' },
    ];
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((each) => each.endAsync(true)));
    await Promise.all(brokers.splice(0).map((each) => each.stop()));
  });

  afterAll(async () => {
    certificates?.remove();
    await redis?.stop();
  });

  function tls(extra: Partial<BrokerTlsOptions> = {}): BrokerTlsOptions {
    return { port: 0, cert_file: certificates.cert_file, key_file: certificates.key_file, ...extra };
  }

  /** Starts a node with a fresh node id; `auth` adds the users above with that `mqtt.broker.auth`. */
  async function node(options: Partial<ClusteredBrokerOptions>, auth?: Record<string, unknown>) {
    nodes++;
    const access = auth === undefined ? undefined : createMqttAccess(mqttAuthSchema.parse({ users, ...auth }));
    const broker = await startClusteredBroker({
      redis_url: redis.url,
      node_id: `tls-${nodes}`,
      port: 0,
      ...(access ? { access } : {}),
      ...options,
    });
    brokers.push(broker);
    const rejections: BrokerRejection[] = [];
    broker.events.on('rejected', (rejection) => rejections.push(rejection));
    return { broker, rejections };
  }

  async function client(url: string, options: IClientOptions = {}): Promise<MqttClient> {
    const connected = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(connected);
    return connected;
  }

  const trust = () => ({ ca: [readFileSync(certificates.ca_file)] });

  it('serves an mqtts url on loopback', async () => {
    const { broker } = await node({ tls: tls() });
    expect(broker.tls_port).toBeGreaterThan(0);
    expect(broker.tls_url).toBe(`mqtts://127.0.0.1:${broker.tls_port}`);
  });

  it('has no tls url without tls', async () => {
    const { broker } = await node({});
    expect(broker.tls_url).toBeUndefined();
    expect(broker.tls_port).toBeUndefined();
  });

  it('delivers a tls publish to another node', async () => {
    const { broker: secure } = await node({ tls: tls() });
    const { broker: plain } = await node({});
    const subscriber = await client(plain.url, { clientId: 'tls-cross-sub' });
    await subscriber.subscribeAsync('tls-cross/+', { qos: 1 });
    const received = new Promise<string>((resolve) => {
      subscriber.once('message', (_topic, payload) => resolve(payload.toString()));
    });
    const publisher = await client(secure.tls_url!, { clientId: 'tls-cross-pub', ...trust() });
    await publisher.publishAsync('tls-cross/1', 'over tls', { qos: 1 });
    expect(await received).toBe('over tls');
  });

  it('rejects a client that trusts another ca', async () => {
    const other = createTestCertificates();
    try {
      const { broker } = await node({ tls: tls() });
      const ca = [readFileSync(other.ca_file)];
      await expect(client(broker.tls_url!, { clientId: 'tls-other-ca', ca })).rejects.toThrow(
        /self.signed|unable to (get|verify)|certificate/i,
      );
    } finally {
      other.remove();
    }
  });

  it('accepts a password client over tls', async () => {
    const { broker } = await node({ tls: tls() }, {});
    const connected = await client(broker.tls_url!, { username: 'room-1', password: 'pw-room-1', ...trust() });
    expect(connected.connected).toBe(true);
  });

  it('rejects a wrong password over tls', async () => {
    const { broker, rejections } = await node({ tls: tls() }, {});
    await expect(client(broker.tls_url!, { username: 'room-1', password: 'x', ...trust() })).rejects.toThrow(
      /Bad username or password/,
    );
    expect(rejections[0]).toMatchObject({ reason: 'auth_failed', listener: 'tls', username: 'room-1' });
  });

  it('takes the user from the certificate cn', async () => {
    const { broker } = await node({ tls: tls({ ca_file: certificates.ca_file }) }, {});
    const connected = await client(broker.tls_url!, { ...certificates.client('truck-7'), ...trust() });
    const granted = await connected.subscribeAsync('commands/truck-7/#', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
  });

  it('rejects a client without certificate when required', async () => {
    const { broker, rejections } = await node(
      { tls: tls({ ca_file: certificates.ca_file, require_client_cert: true }) },
      {},
    );
    await expect(client(broker.tls_url!, { username: 'room-1', password: 'pw-room-1', ...trust() })).rejects.toThrow();
    expect(rejections[0]?.reason).toBe('tls_failed');
  });

  it('rejects non-loopback tls host without auth', async () => {
    const started = startClusteredBroker({
      redis_url: redis.url,
      node_id: 'tls-open',
      port: 0,
      tls: tls({ host: '0.0.0.0' }),
    });
    await expect(started).rejects.toMatchObject({ code: 'CLUSTER_BROKER_LISTEN_FAILED' });
    await expect(started).rejects.toThrow(/mqtt tls listener may bind 0\.0\.0\.0 only with authentication/);
    await expect(started).rejects.toThrow(/mqtt\.broker\.tls\.host/);
  });

  it('names an unreadable key file', async () => {
    const started = node({ tls: tls({ key_file: '/nonexistent/broker.key' }) });
    await expect(started).rejects.toMatchObject({ code: 'BROKER_TLS_INVALID' });
    await expect(started).rejects.toThrow(/mqtt\.broker\.tls\.key_file \/nonexistent\/broker\.key cannot be read/);
  });

  it('names the tls port when taken', async () => {
    const occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    const address = occupied.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const started = node({ tls: tls({ port }) });
      await expect(started).rejects.toMatchObject({ code: 'CLUSTER_BROKER_LISTEN_FAILED', option: 'tls.port' });
      await expect(started).rejects.toThrow(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) => occupied.close(() => resolve()));
    }
  });
});
