/**
 * Two in-process gateways as one cluster against a real redis-server: the first one started leads the
 * planner, and it also runs the broker's TLS listener.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../gateway/api/services.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { createTestCertificates, type TestCertificates } from '../gateway/broker/test-certificates.js';
import { planningGatewayConfig } from '../gateway/planning-fixture.js';
import { freePort } from '../harness/free-port.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

/** An open `/api/v1/live` stream that keeps the frames it has read but not yet matched. */
interface LiveStream {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  buffered: string;
  abort(): void;
}

async function openLive(apiUrl: string): Promise<LiveStream> {
  const controller = new AbortController();
  const response = await fetch(`${apiUrl}/api/v1/live`, { signal: controller.signal });
  expect(response.status).toBe(200);
  return { reader: response.body!.getReader(), buffered: '', abort: () => controller.abort() };
}

/** Reads events until one named `name` arrives and returns its parsed data. Rejects after `timeoutMs`. */
async function nextEvent(stream: LiveStream, name: string, timeoutMs = 10_000): Promise<unknown> {
  const decoder = new TextDecoder();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
  });
  const read = async (): Promise<unknown> => {
    for (;;) {
      let end = stream.buffered.indexOf('\n\n');
      while (end >= 0) {
        const frame = stream.buffered.slice(0, end);
        stream.buffered = stream.buffered.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event === name && data !== undefined) return JSON.parse(data);
        end = stream.buffered.indexOf('\n\n');
      }
      const { value, done } = await stream.reader.read();
      if (done) throw new Error(`event stream ended before a ${name} event`);
      stream.buffered += decoder.decode(value, { stream: true });
    }
  };
  try {
    return await Promise.race([read(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

describe('cluster of two in-process gateways', () => {
  let redis: RedisServer;
  let certificates: TestCertificates;
  let dir: string;
  let leader: Gateway;
  let follower: Gateway;
  let leaderTlsPort: number;
  const streams: LiveStream[] = [];
  const clients: MqttClient[] = [];

  async function startNode(node_id: string, tls?: Record<string, unknown>): Promise<Gateway> {
    const nodeDir = join(dir, node_id);
    mkdirSync(nodeDir);
    const config = planningGatewayConfig(nodeDir, await freePort()) as {
      mqtt: { broker: Record<string, unknown> };
      planning: Record<string, unknown>;
    };
    if (tls !== undefined) config.mqtt.broker.tls = tls;
    config.planning.time_limit_s = 0.5;
    const gateway = new Gateway(
      validateConfig({
        ...config,
        cluster: { redis_url: redis.url, node_id, leader_key: 'coldpool:leader:two-nodes' },
      }),
      pino({ level: 'silent' }),
    );
    await gateway.start();
    return gateway;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-cluster-gateway-'));
    redis = await startRedisServer();
    certificates = createTestCertificates();
    leaderTlsPort = await freePort();
    leader = await startNode('node-a', {
      port: leaderTlsPort,
      cert_file: certificates.cert_file,
      key_file: certificates.key_file,
    });
    follower = await startNode('node-b');
  }, 60_000);

  afterAll(async () => {
    for (const stream of streams) stream.abort();
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await follower?.stop();
    await leader?.stop();
    await redis?.stop();
    certificates?.remove();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('runs the planner on the first node only', () => {
    expect(leader.planner).toBeDefined();
    expect(follower.planner).toBeUndefined();
  });

  it('streams a leader plan to the follower api', async () => {
    const followerLive = await openLive(follower.apiUrl()!);
    streams.push(followerLive);
    const leaderLive = await openLive(leader.apiUrl()!);
    streams.push(leaderLive);

    const response = await fetch(`${leader.apiUrl()}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'small-county' }),
    });
    expect(response.status).toBe(201);
    const plan = (await response.json()) as Plan;

    const relayed = (await nextEvent(followerLive, 'plan')) as Plan;
    expect(relayed.id).toBe(plan.id);
    expect(relayed.routes).toEqual(plan.routes);
    const local = (await nextEvent(leaderLive, 'plan')) as Plan;
    expect(local.id).toBe(plan.id);
  }, 30_000);

  it('streams each plan once on the leader', async () => {
    const leaderLive = await openLive(leader.apiUrl()!);
    streams.push(leaderLive);
    const first = await leader.planner!.runRound();
    const second = await leader.planner!.runRound();
    expect(((await nextEvent(leaderLive, 'plan')) as Plan).id).toBe(first.id);
    expect(((await nextEvent(leaderLive, 'plan')) as Plan).id).toBe(second.id);
  }, 30_000);

  it('rejects a plan run on the follower', async () => {
    const response = await fetch(`${follower.apiUrl()}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'small-county' }),
    });
    expect(response.status).toBe(409);
  });

  it('serves mqtt over tls on a node', async () => {
    const ca = [readFileSync(certificates.ca_file)];
    const options = { clientId: 'tls-device', reconnectPeriod: 0, connectTimeout: 5000, ca };
    const client = await connectAsync(`mqtts://127.0.0.1:${leaderTlsPort}`, options);
    clients.push(client);
    expect(client.connected).toBe(true);
  });
});
