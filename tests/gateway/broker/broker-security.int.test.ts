import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerRejection,
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
  startEmbeddedBroker,
} from '../../../gateway/broker/embedded-broker.js';
import { createMqttAccess } from '../../../gateway/security/mqtt-access.js';
import { hashPassword } from '../../../gateway/security/password-hash.js';
import { mqttAuthSchema } from '../../../gateway/security/security-config.js';
import { createTestCertificates, type TestCertificates } from './test-certificates.js';

const cheap = { ln: 4, r: 8, p: 1 };
const brokers: EmbeddedBroker[] = [];
const clients: MqttClient[] = [];
let certificates: TestCertificates;
let users: unknown[];

beforeAll(async () => {
  certificates = createTestCertificates();
  users = [
    { username: 'room-1', password_hash: await hashPassword('pw-room-1', cheap) },
    { username: 'dashboard', password_hash: await hashPassword('pw-dash', cheap), role: 'reader' },
    { username: 'truck-7', role: 'device' },
  ];
});

afterAll(() => certificates.remove());

afterEach(async () => {
  await Promise.all(clients.splice(0).map((each) => each.endAsync(true)));
  await Promise.all(brokers.splice(0).map((each) => each.stop()));
});

async function start(auth: Record<string, unknown> = {}, options: EmbeddedBrokerOptions = {}) {
  const access = createMqttAccess(mqttAuthSchema.parse({ users, ...auth }));
  const broker = await startEmbeddedBroker({ port: 0, access, max_payload_bytes: 1024, ...options });
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

/** Connects without waiting for CONNACK and resolves when the connection closes. */
function connectUntilClosed(url: string, options: IClientOptions): Promise<void> {
  const connection = connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(connection);
  return closed(connection);
}

function closed(connection: MqttClient): Promise<void> {
  return new Promise((resolve) => connection.once('close', () => resolve()));
}

describe('broker authentication', () => {
  it('rejects an anonymous client', async () => {
    const { broker } = await start();
    await expect(client(broker.url)).rejects.toThrow(/Not authorized/);
  });

  it('reports the anonymous client', async () => {
    const { broker, rejections } = await start();
    await client(broker.url, { clientId: 'anon-1' }).catch(() => undefined);
    expect(rejections[0]).toMatchObject({ reason: 'auth_failed', client_id: 'anon-1', detail: 'anonymous' });
  });

  it('rejects a wrong password', async () => {
    const { broker } = await start();
    await expect(client(broker.url, { username: 'room-1', password: 'wrong' })).rejects.toThrow(
      /Bad username or password/,
    );
  });

  it('reports a wrong password without it', async () => {
    const { broker, rejections } = await start();
    await client(broker.url, { username: 'room-1', password: 'hunter2-secret' }).catch(() => undefined);
    expect(JSON.stringify(rejections)).not.toContain('hunter2');
  });

  it('names the user of a wrong password', async () => {
    const { broker, rejections } = await start();
    await client(broker.url, { username: 'room-1', password: 'hunter2-secret' }).catch(() => undefined);
    expect(rejections[0]).toMatchObject({ reason: 'auth_failed', username: 'room-1', detail: 'wrong_password' });
  });

  it('accepts the right password', async () => {
    const { broker } = await start();
    const connected = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    expect(connected.connected).toBe(true);
  });

  it('accepts anonymous when allowed', async () => {
    const { broker } = await start({ allow_anonymous: true });
    expect((await client(broker.url)).connected).toBe(true);
  });
});

describe('broker topic access', () => {
  it('delivers a device publish under its prefix', async () => {
    const { broker } = await start();
    const reader = await client(broker.url, { username: 'dashboard', password: 'pw-dash' });
    await reader.subscribeAsync('devices/#', { qos: 1 });
    const received = new Promise<string>((resolve) => reader.once('message', (topic) => resolve(topic)));
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    await device.publishAsync('devices/room-1/state', '{"temp_c":3.1}', { qos: 1 });
    expect(await received).toBe('devices/room-1/state');
  });

  it('disconnects a device publishing outside its prefix', async () => {
    const { broker } = await start();
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1', clientId: 'fw-1' });
    const gone = closed(device);
    device.publish('devices/room-2/state', '{"temp_c":3.1}', { qos: 0 });
    await gone;
    expect(device.connected).toBe(false);
  });

  it('reports a publish outside the prefix', async () => {
    const { broker, rejections } = await start();
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1', clientId: 'fw-1' });
    const gone = closed(device);
    device.publish('devices/room-2/state', '{"temp_c":3.1}', { qos: 0 });
    await gone;
    expect(rejections[0]).toMatchObject({
      reason: 'publish_denied',
      client_id: 'fw-1',
      username: 'room-1',
      topic: 'devices/room-2/state',
    });
  });

  it('does not deliver the rejected publish', async () => {
    const { broker } = await start();
    const reader = await client(broker.url, { username: 'dashboard', password: 'pw-dash' });
    await reader.subscribeAsync('devices/#', { qos: 1 });
    const topics: string[] = [];
    reader.on('message', (topic) => topics.push(topic));
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    const gone = closed(device);
    device.publish('devices/room-2/state', 'x', { qos: 0 });
    await gone;
    await reader.publishAsync('probe', 'x').catch(() => undefined);
    expect(topics).toEqual([]);
  });

  it('grants a device its command topics', async () => {
    const { broker } = await start();
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    const granted = await device.subscribeAsync('commands/room-1/#', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
  });

  it('rejects a device subscription to all', async () => {
    const { broker } = await start();
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    const error = await device
      .subscribeAsync('#', { qos: 1 })
      .catch((rejected: { packet?: { granted?: number[] } }) => rejected);
    expect((error as { packet?: { granted?: number[] } }).packet?.granted).toEqual([128]);
  });

  it('reports the rejected subscription', async () => {
    const { broker, rejections } = await start();
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1', clientId: 'fw-1' });
    await device.subscribeAsync('commands/room-2/#', { qos: 1 }).catch(() => undefined);
    expect(rejections[0]).toMatchObject({ reason: 'subscribe_denied', client_id: 'fw-1', topic: 'commands/room-2/#' });
  });

  it('disconnects a reader that publishes', async () => {
    const { broker } = await start();
    const reader = await client(broker.url, { username: 'dashboard', password: 'pw-dash' });
    const gone = closed(reader);
    reader.publish('devices/room-1/state', 'x', { qos: 0 });
    await gone;
    expect(reader.connected).toBe(false);
  });

  it('rejects a topic deeper than the cap', async () => {
    const { broker, rejections } = await start({ max_topic_levels: 4 });
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    const gone = closed(device);
    device.publish('devices/room-1/a/b/c', 'x', { qos: 0 });
    await gone;
    expect(rejections[0]?.reason).toBe('topic_too_deep');
  });

  it('rejects a payload over the cap', async () => {
    const { broker, rejections } = await start();
    const device = await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    const gone = closed(device);
    device.publish('devices/room-1/state', 'x'.repeat(1025), { qos: 0 });
    await gone;
    expect(rejections[0]).toMatchObject({
      reason: 'payload_too_large',
      detail: '1025 bytes, limit 1024; raise mqtt.broker.max_payload_bytes or send smaller messages',
    });
  });
});

describe('broker connection rate', () => {
  it('drops connections over the rate', async () => {
    const { broker, rejections } = await start({ max_connections_per_window: 2, connection_window_s: 3600 });
    await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    await client(broker.url, { username: 'room-1', password: 'pw-room-1', clientId: 'second' });
    const third = connectTcp(broker.port, '127.0.0.1');
    await once(third, 'close');
    expect(rejections.map((each) => each.reason)).toEqual(['connection_rate']);
  });

  it('names the source address', async () => {
    const { broker, rejections } = await start({ max_connections_per_window: 1, connection_window_s: 3600 });
    await client(broker.url, { username: 'room-1', password: 'pw-room-1' });
    await once(connectTcp(broker.port, '127.0.0.1'), 'close');
    expect(rejections[0]?.remote_address).toBe('127.0.0.1');
  });
});

describe('broker tls', () => {
  function tlsOptions(extra: Record<string, unknown> = {}): EmbeddedBrokerOptions {
    return { tls: { port: 0, cert_file: certificates.cert_file, key_file: certificates.key_file, ...extra } };
  }

  const trust = () => ({ ca: [readFileSync(certificates.ca_file)] });

  it('serves an mqtts url', async () => {
    const { broker } = await start({}, tlsOptions());
    expect(broker.tls_url).toBe(`mqtts://127.0.0.1:${broker.tls_port}`);
  });

  it('accepts a password client over tls', async () => {
    const { broker } = await start({}, tlsOptions());
    const connected = await client(broker.tls_url!, { username: 'room-1', password: 'pw-room-1', ...trust() });
    expect(connected.connected).toBe(true);
  });

  it('rejects a wrong password over tls', async () => {
    const { broker } = await start({}, tlsOptions());
    await expect(client(broker.tls_url!, { username: 'room-1', password: 'x', ...trust() })).rejects.toThrow(
      /Bad username or password/,
    );
  });

  it('takes the user from the certificate cn', async () => {
    const { broker } = await start({}, tlsOptions({ ca_file: certificates.ca_file }));
    const connected = await client(broker.tls_url!, { ...certificates.client('truck-7'), ...trust() });
    const granted = await connected.subscribeAsync('commands/truck-7/#', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
  });

  it('rejects a certificate cn that is no user', async () => {
    const { broker, rejections } = await start({}, tlsOptions({ ca_file: certificates.ca_file }));
    await client(broker.tls_url!, { ...certificates.client('stranger'), ...trust() }).catch(() => undefined);
    expect(rejections[0]).toMatchObject({
      reason: 'auth_failed',
      username: 'stranger',
      detail: 'unknown_user',
      listener: 'tls',
      remote_address: '127.0.0.1',
    });
  });

  it('rejects a client without certificate when required', async () => {
    const { broker, rejections } = await start(
      {},
      tlsOptions({ ca_file: certificates.ca_file, require_client_cert: true }),
    );
    await expect(client(broker.tls_url!, { username: 'room-1', password: 'pw-room-1', ...trust() })).rejects.toThrow();
    expect(rejections[0]?.reason).toBe('tls_failed');
  });

  it('ignores a certificate from another ca', async () => {
    const other = createTestCertificates();
    try {
      const { broker, rejections } = await start({}, tlsOptions({ ca_file: certificates.ca_file }));
      await connectUntilClosed(broker.tls_url!, { ...other.client('truck-7'), ...trust() });
      expect(rejections[0]).toMatchObject({ reason: 'auth_failed', detail: 'anonymous' });
    } finally {
      other.remove();
    }
  });

  it('rejects a certificate from another ca when required', async () => {
    const other = createTestCertificates();
    try {
      const { broker, rejections } = await start(
        {},
        tlsOptions({ ca_file: certificates.ca_file, require_client_cert: true }),
      );
      await connectUntilClosed(broker.tls_url!, { ...other.client('truck-7'), ...trust() });
      expect(rejections[0]?.reason).toBe('tls_failed');
    } finally {
      other.remove();
    }
  });

  it('rejects non-loopback tls host without auth', async () => {
    const options = { port: 0, tls: { host: '0.0.0.0', port: 0, cert_file: 'x', key_file: 'y' } };
    await expect(startEmbeddedBroker(options)).rejects.toMatchObject({ code: 'BROKER_AUTH_REQUIRED' });
  });

  it('names an unreadable key file', async () => {
    const options = tlsOptions();
    await expect(start({}, { tls: { ...options.tls!, key_file: '/nonexistent/broker.key' } })).rejects.toThrow(
      /key_file \/nonexistent\/broker.key cannot be read/,
    );
  });
});
