import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EmbeddedBroker,
  EmbeddedBrokerError,
  isLoopbackHost,
  startEmbeddedBroker,
} from '../../../gateway/broker/embedded-broker.js';

const brokers: EmbeddedBroker[] = [];
const clients: MqttClient[] = [];

async function start(options: Parameters<typeof startEmbeddedBroker>[0] = {}): Promise<EmbeddedBroker> {
  const broker = await startEmbeddedBroker({ port: 0, ...options });
  brokers.push(broker);
  return broker;
}

async function client(url: string, options: Parameters<typeof connectAsync>[1] = {}): Promise<MqttClient> {
  const connected = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(connected);
  return connected;
}

async function startError(options: Parameters<typeof startEmbeddedBroker>[0]): Promise<EmbeddedBrokerError> {
  try {
    brokers.push(await startEmbeddedBroker(options));
  } catch (error) {
    if (error instanceof EmbeddedBrokerError) return error;
    throw error;
  }
  throw new Error(`startEmbeddedBroker accepted ${JSON.stringify(options)}`);
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((each) => each.endAsync(true)));
  await Promise.all(brokers.splice(0).map((each) => each.stop()));
});

describe('embedded-broker', () => {
  it('listens on loopback by default', async () => {
    const broker = await start();
    expect(broker.host).toBe('127.0.0.1');
  });

  it('picks free port for port 0', async () => {
    const broker = await start();
    expect(broker.port).toBeGreaterThan(0);
  });

  it('builds url from host and port', async () => {
    const broker = await start();
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
  });

  it('delivers a publish to a subscriber', async () => {
    const broker = await start();
    const subscriber = await client(broker.url);
    await subscriber.subscribeAsync('cold/+', { qos: 1 });
    const received = new Promise<string>((resolve) =>
      subscriber.once('message', (_t, payload) => resolve(String(payload))),
    );
    const publisher = await client(broker.url);
    await publisher.publishAsync('cold/room-1', '{"temperature":4.2}', { qos: 1 });
    expect(await received).toBe('{"temperature":4.2}');
  });

  it('counts connected clients', async () => {
    const broker = await start();
    await client(broker.url);
    await client(broker.url);
    expect(broker.clientCount()).toBe(2);
  });

  it('rejects non-loopback host without authenticate', async () => {
    expect((await startError({ host: '0.0.0.0', port: 0 })).code).toBe('BROKER_AUTH_REQUIRED');
  });

  it('tells how to set credentials', async () => {
    expect((await startError({ host: '0.0.0.0', port: 0 })).message).toContain('mqtt.broker.auth.users');
  });

  it('reports port in use', async () => {
    const broker = await start();
    expect((await startError({ port: broker.port })).code).toBe('BROKER_LISTEN_FAILED');
  });

  it('rejects invalid port', async () => {
    expect((await startError({ port: 70000 })).code).toBe('BROKER_OPTION_INVALID');
  });

  it('accepts valid credentials', async () => {
    const broker = await start({ authenticate: (user, password) => user === 'gw' && String(password) === 's3cret' });
    const connected = await client(broker.url, { username: 'gw', password: 's3cret' });
    expect(connected.connected).toBe(true);
  });

  it('rejects wrong password', async () => {
    const broker = await start({ authenticate: (user, password) => user === 'gw' && String(password) === 's3cret' });
    await expect(client(broker.url, { username: 'gw', password: 'wrong' })).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
  });

  it('rejects when authenticate throws', async () => {
    const broker = await start({
      authenticate: () => {
        throw new Error('user store offline');
      },
    });
    await expect(client(broker.url, { username: 'gw', password: 'x' })).rejects.toThrow();
  });

  it('disconnects publisher over payload limit', async () => {
    const broker = await start({ max_payload_bytes: 16 });
    const publisher = await client(broker.url);
    const closed = new Promise<void>((resolve) => publisher.once('close', () => resolve()));
    publisher.publish('cold/room-1', 'x'.repeat(17), { qos: 0 });
    await closed;
    expect(publisher.connected).toBe(false);
  });

  it('delivers payload at limit', async () => {
    const broker = await start({ max_payload_bytes: 16 });
    const subscriber = await client(broker.url);
    await subscriber.subscribeAsync('cold/#', { qos: 1 });
    const received = new Promise<number>((resolve) =>
      subscriber.once('message', (_t, payload) => resolve(payload.length)),
    );
    const publisher = await client(broker.url);
    await publisher.publishAsync('cold/room-1', 'x'.repeat(16), { qos: 1 });
    expect(await received).toBe(16);
  });

  it('closes client connections on stop', async () => {
    const broker = await start();
    const connected = await client(broker.url);
    const closed = new Promise<void>((resolve) => connected.once('close', () => resolve()));
    await broker.stop();
    await closed;
    expect(connected.connected).toBe(false);
  });
});

describe('embedded-broker hold_until_tapped', () => {
  /** Publishes at QoS 1 and resolves with true once the PUBACK arrives, false if none within `wait_ms`. */
  function acknowledged(device: MqttClient, topic: string, wait_ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), wait_ms);
      device.publish(topic, '{"t":1}', { qos: 1 }, (error) => {
        clearTimeout(timer);
        resolve(error === undefined || error === null);
      });
    });
  }

  it('acknowledges nothing before the tap is set', async () => {
    const broker = await start({ hold_until_tapped: true });
    const device = await client(broker.url);
    const early = acknowledged(device, 'rooms/early', 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const tapped: string[] = [];
    broker.tap.set((message, done) => {
      tapped.push(message.topic);
      done();
    });
    expect(await early).toBe(true);
    expect(tapped).toEqual(['rooms/early']);
  });

  it('holds messages after the tap is removed', async () => {
    const broker = await start({ hold_until_tapped: true });
    broker.tap.set((_message, done) => done());
    const device = await client(broker.url);
    expect(await acknowledged(device, 'rooms/before', 2000)).toBe(true);
    broker.tap.set(undefined);
    expect(await acknowledged(device, 'rooms/after', 300)).toBe(false);
  });

  it('passes messages without a tap by default', async () => {
    const broker = await start();
    const device = await client(broker.url);
    expect(await acknowledged(device, 'rooms/plain', 2000)).toBe(true);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['192.168.1.10', false],
    ['::', false],
    ['127.example.com', false],
  ])('%s is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
