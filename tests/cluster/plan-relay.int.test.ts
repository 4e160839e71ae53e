import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../gateway/api/services.js';
import { parseClusterConfig } from '../../gateway/cluster/cluster-config.js';
import { PlanRelay, planChannel } from '../../gateway/cluster/plan-relay.js';
import { freePort } from '../harness/free-port.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

const LEADER_KEY = 'coldpool:leader:relay-test';

/** Returns a plan without routes or orders. */
function planOf(id: string): Plan {
  return {
    id,
    scenario: 'small-county',
    created_ms: 1_000,
    routes: [],
    unserved: [],
    comparison: {
      pooled: { km: 0, trips: 0, load_factor: 0, kg_co2: 0, orders_served: 0 },
      baseline: { km: 0, trips: 0, load_factor: 0, kg_co2: 0, orders_served: 0 },
      baseline_unserved: [],
    },
  };
}

describe('PlanRelay', () => {
  let redis: RedisServer;
  const relays: PlanRelay[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  afterAll(async () => {
    await redis?.stop();
  });

  async function relay(node_id: string, log = pino({ level: 'silent' })): Promise<PlanRelay> {
    const cluster = parseClusterConfig({ redis_url: redis.url, node_id, leader_key: LEADER_KEY });
    const started = await PlanRelay.start(cluster, log);
    relays.push(started);
    return started;
  }

  it('names the channel after the leader key', async () => {
    const started = await relay('channel-a');
    expect(started.channel).toBe('coldpool:leader:relay-test:plans');
    expect(planChannel(LEADER_KEY)).toBe(started.channel);
  });

  it('delivers a plan to another node', async () => {
    const leader = await relay('deliver-a');
    const follower = await relay('deliver-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    await leader.publish(planOf('plan-1'));
    await vi.waitFor(() => expect(received).toEqual(['plan-1']), { timeout: 5000 });
  });

  it('delivers an own plan once', async () => {
    const leader = await relay('once-a');
    const follower = await relay('once-b');
    const local: string[] = [];
    const remote: string[] = [];
    leader.subscribe((plan) => local.push(plan.id));
    follower.subscribe((plan) => remote.push(plan.id));
    await leader.publish(planOf('plan-2'));
    expect(local).toEqual(['plan-2']);
    // Redis writes the message to both subscriber connections in the one PUBLISH, so 100 ms after the
    // follower got it the leader's copy has arrived too (an estimate for loopback).
    await vi.waitFor(() => expect(remote).toEqual(['plan-2']), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(local).toEqual(['plan-2']);
  });

  it('stops delivering after unsubscribe', async () => {
    const leader = await relay('unsub-a');
    const follower = await relay('unsub-b');
    const received: string[] = [];
    const unsubscribe = follower.subscribe((plan) => received.push(plan.id));
    const witness: string[] = [];
    follower.subscribe((plan) => witness.push(plan.id));
    unsubscribe();
    await leader.publish(planOf('plan-3'));
    await vi.waitFor(() => expect(witness).toEqual(['plan-3']), { timeout: 5000 });
    expect(received).toEqual([]);
  });

  it('ignores an invalid message', async () => {
    const lines: Array<{ msg?: string; bytes?: number }> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const follower = await relay('invalid-b', log);
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    const raw = new Redis(redis.url);
    try {
      await raw.publish(follower.channel, 'not json');
      await raw.publish(follower.channel, JSON.stringify({ node_id: 'x', plan: { routes: [] } }));
    } finally {
      raw.disconnect();
    }
    const leader = await relay('invalid-a');
    await leader.publish(planOf('plan-4'));
    await vi.waitFor(() => expect(received).toEqual(['plan-4']), { timeout: 5000 });
    const ignored = lines.filter((line) => line.msg?.startsWith('ignored a message on the plan channel'));
    // The second invalid message falls in the same minute, so only its count shows later.
    expect(ignored).toHaveLength(1);
    expect(ignored[0]?.bytes).toBe(8);
  });

  it('reports an unreachable redis', async () => {
    const port = await freePort();
    const cluster = parseClusterConfig({
      redis_url: `redis://127.0.0.1:${port}/0`,
      node_id: 'no-redis',
      leader_key: LEADER_KEY,
    });
    const started = PlanRelay.start(cluster, pino({ level: 'silent' }));
    await expect(started).rejects.toMatchObject({ code: 'CLUSTER_REDIS_FAILED' });
    await expect(started).rejects.toThrow(/cannot subscribe to the plan channel coldpool:leader:relay-test:plans/);
  });
});
