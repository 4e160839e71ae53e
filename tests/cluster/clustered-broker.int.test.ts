import { setTimeout as delay } from 'node:timers/promises';
import { connect, connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ClusteredBroker, startClusteredBroker } from '../../gateway/cluster/clustered-broker.js';
import { createMqttAccess } from '../../gateway/security/mqtt-access.js';
import { mqttAuthSchema } from '../../gateway/security/security-config.js';
import { freePort } from '../harness/free-port.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

function nextMessage(
  client: MqttClient,
  timeoutMs = 5000,
): Promise<{ topic: string; payload: string; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
    client.once('message', (topic, payload, packet) => {
      clearTimeout(timer);
      resolve({ topic, payload: payload.toString(), retain: packet.retain });
    });
  });
}

/** A client that resumed a persistent session, with what it has received since it connected. */
interface ResumedSession {
  client: MqttClient;
  /** Command names of the received packets, in arrival order. */
  packets: string[];
  /** Payloads of the received messages, each stored once even when aedes redelivers it. */
  payloads: Set<string>;
}

/** Publishes QoS 1 messages on four concurrent lanes until stopped, recording each payload that got PUBACK. */
function publishContinuously(publisher: MqttClient, prefix: string): { sent: string[]; stop(): Promise<void> } {
  const sent: string[] = [];
  let running = true;
  const lanes = [0, 1, 2, 3].map(async (lane) => {
    for (let seq = 1; running; seq++) {
      const payload = `${lane}/${seq}`;
      await publisher.publishAsync(`${prefix}/${payload}`, payload, { qos: 1 });
      sent.push(payload);
    }
  });
  return {
    sent,
    async stop() {
      running = false;
      await Promise.all(lanes);
    },
  };
}

describe('startClusteredBroker', () => {
  let redis: RedisServer;
  const brokers: ClusteredBroker[] = [];
  const clients: MqttClient[] = [];

  async function node(node_id: string, port = 0): Promise<ClusteredBroker> {
    const broker = await startClusteredBroker({ redis_url: redis.url, node_id, port });
    brokers.push(broker);
    return broker;
  }

  async function client(url: string, clientId: string, clean = true): Promise<MqttClient> {
    const connected = await connectAsync(url, { clientId, clean, reconnectPeriod: 0 });
    clients.push(connected);
    return connected;
  }

  /**
   * Connects with clean session off. The listeners are attached before CONNACK arrives, because aedes
   * sends the queued messages right after it and mqtt.js may emit them before `connectAsync` resolves.
   */
  async function resume(url: string, clientId: string): Promise<ResumedSession> {
    const resumed = connect(url, { clientId, clean: false, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(resumed);
    const session: ResumedSession = { client: resumed, packets: [], payloads: new Set() };
    resumed.on('packetreceive', (packet) => session.packets.push(packet.cmd));
    resumed.on('message', (_topic, payload) => session.payloads.add(payload.toString()));
    await new Promise<void>((resolve, reject) => {
      resumed.once('connect', () => resolve());
      resumed.once('error', (error) => {
        const packets = session.packets.join(', ') || 'none';
        reject(new Error(`${clientId} failed to connect: ${error.message}. Packets received: ${packets}`));
      });
    });
    return session;
  }

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.endAsync(true)));
    await Promise.all(brokers.map((each) => each.stop().catch(() => {})));
    await redis?.stop();
  });

  it('delivers across nodes', async () => {
    const a = await node('cross-a');
    const b = await node('cross-b');
    const subscriber = await client(b.url, 'cross-sub');
    await subscriber.subscribeAsync('cross/+', { qos: 1 });
    const received = nextMessage(subscriber);
    const publisher = await client(a.url, 'cross-pub');
    await publisher.publishAsync('cross/1', 'hello', { qos: 1 });
    expect((await received).payload).toBe('hello');
  });

  it('keeps retained messages across a node restart', async () => {
    const port = await freePort();
    const first = await node('retain-a', port);
    const publisher = await client(first.url, 'retain-pub');
    await publisher.publishAsync('retained/room', 'r1', { qos: 1, retain: true });
    await publisher.endAsync(true);
    await first.stop();
    const again = await node('retain-a', port);
    const subscriber = await client(again.url, 'retain-sub');
    const received = nextMessage(subscriber);
    await subscriber.subscribeAsync('retained/room', { qos: 1 });
    const message = await received;
    expect(message.payload).toBe('r1');
    expect(message.retain).toBe(true);
  });

  it('queues QoS 1 for an offline session', async () => {
    const a = await node('queue-a');
    const b = await node('queue-b');
    const session = await client(a.url, 'queue-session', false);
    await session.subscribeAsync('queued/#', { qos: 1 });
    await session.endAsync(true);
    await a.stop();
    // aedes sends PUBACK before it routes a message, and it routes a QoS 1 message to the queues of the
    // persistent sessions before it delivers it to connected clients. Once the watcher has all five, the
    // offline session's queue has them too.
    const watcher = await client(b.url, 'queue-watcher');
    await watcher.subscribeAsync('queued/#', { qos: 1 });
    const watched = new Set<string>();
    watcher.on('message', (_topic, payload) => watched.add(payload.toString()));
    const publisher = await client(b.url, 'queue-pub');
    for (let seq = 1; seq <= 5; seq++) await publisher.publishAsync(`queued/${seq}`, String(seq), { qos: 1 });
    await vi.waitFor(() => expect(watched.size).toBe(5), { timeout: 5000 });

    const resumed = await resume(b.url, 'queue-session');

    expect(resumed.packets[0]).toBe('connack');
    await vi.waitFor(() => expect(resumed.payloads.size).toBe(5), { timeout: 5000 });
    expect([...resumed.payloads].sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('resumes a session during routing', async () => {
    // aedes restores a resumed session's subscriptions before it sends CONNACK, so without the node's
    // CONNACK gate a message routed in that window reaches the client first. In trials on a 2-core machine
    // a steady stream of QoS 1 messages hit the window in about half of the resumes, so the test resumes
    // five times.
    const a = await node('routed-a');
    const b = await node('routed-b');
    const session = await client(a.url, 'routed-session', false);
    await session.subscribeAsync('routed/#', { qos: 1 });
    await session.endAsync(true);
    await a.stop();
    const publisher = await client(b.url, 'routed-pub');
    const received = new Set<string>();
    const sent: string[] = [];

    for (let cycle = 1; cycle <= 5; cycle++) {
      const stream = publishContinuously(publisher, 'routed');
      let resumed: ResumedSession;
      try {
        await delay(20);
        resumed = await resume(b.url, 'routed-session');
      } finally {
        await stream.stop();
        sent.push(...stream.sent);
      }
      expect(resumed.packets[0]).toBe('connack');
      await resumed.client.endAsync();
      for (const payload of resumed.payloads) received.add(payload);
      await vi.waitFor(() => expect(b.clientCount()).toBe(1), { timeout: 5000 });
    }

    // Messages routed while the session was away stay queued, and the last resume collects them.
    const last = await resume(b.url, 'routed-session');
    await vi.waitFor(
      () => {
        const missing = sent.filter((payload) => !received.has(payload) && !last.payloads.has(payload));
        expect(missing).toEqual([]);
      },
      { timeout: 10_000 },
    );
  });

  it('rejects an anonymous client with auth', async () => {
    const access = createMqttAccess(mqttAuthSchema.parse({ allow_anonymous: false }));
    const broker = await startClusteredBroker({ redis_url: redis.url, node_id: 'auth-a', port: 0, access });
    brokers.push(broker);
    const rejections: string[] = [];
    broker.events.on('rejected', (rejection) => rejections.push(rejection.reason));
    await expect(connectAsync(broker.url, { clientId: 'anonymous', reconnectPeriod: 0 })).rejects.toThrow();
    expect(rejections).toContain('auth_failed');
  });

  it('rejects an open non-loopback address', async () => {
    await expect(
      startClusteredBroker({ redis_url: redis.url, node_id: 'open', host: '0.0.0.0', port: 0 }),
    ).rejects.toMatchObject({ code: 'CLUSTER_BROKER_LISTEN_FAILED' });
  });

  it('reports a refused redis login', async () => {
    const guarded = await startRedisServer('right-secret-4');
    try {
      const port = guarded.port;
      const started = startClusteredBroker({
        redis_url: `redis://:wrong-secret-4@127.0.0.1:${port}/0`,
        node_id: 'bad-login',
        port: 0,
      });
      const message = await started.then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(message).toContain('refused the login');
      expect(message).toContain('fix the user name or password in cluster.redis_url');
      expect(message).not.toContain('wrong-secret-4');
    } finally {
      await guarded.stop();
    }
  });

  it('reports an unreachable redis', async () => {
    const port = await freePort();
    await expect(
      startClusteredBroker({ redis_url: `redis://127.0.0.1:${port}/0`, node_id: 'no-redis', port: 0 }),
    ).rejects.toMatchObject({ code: 'CLUSTER_REDIS_FAILED' });
  });
});
