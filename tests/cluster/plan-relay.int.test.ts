import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseClusterConfig } from '../../gateway/cluster/cluster-config.js';
import { latestPlanKey, PlanRelay, planChannel } from '../../gateway/cluster/plan-relay.js';
import { RESEND_PLAN_SCRIPT } from '../../gateway/cluster/resend-plan-script.js';
import { freePort } from '../harness/free-port.js';
import { emptyPlan as planOf } from './support/empty-plan.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

const LEADER_KEY = 'coldpool:leader:relay-test';

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

describe('PlanRelay reconnects', () => {
  let redis: RedisServer;
  let admin: Redis;
  const relays: PlanRelay[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await admin.del(latestPlanKey(LEADER_KEY));
  });

  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  async function relay(node_id: string): Promise<PlanRelay> {
    const cluster = parseClusterConfig({ redis_url: redis.url, node_id, leader_key: LEADER_KEY });
    const started = await PlanRelay.start(cluster, pino({ level: 'silent' }));
    relays.push(started);
    return started;
  }

  /** Returns the ids of the Redis clients named `name`, read from CLIENT LIST. */
  async function clientIds(name: string): Promise<string[]> {
    const list = (await admin.client('LIST')) as string;
    return list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? '');
  }

  /** Closes the plan subscriber connection of `node_id` on the Redis side, as a network failure would. */
  async function killSubscriber(node_id: string): Promise<void> {
    const ids = await clientIds(`coldpool-plans-sub:${node_id}`);
    expect(ids).toHaveLength(1);
    await admin.client('KILL', 'ID', ids[0]!);
  }

  /** Waits until the plan subscriber of `node_id` is connected and subscribed again. */
  async function waitForSubscriber(node_id: string): Promise<void> {
    await vi.waitFor(
      async () => {
        const list = (await admin.client('LIST')) as string;
        const line = list.split('\n').find((entry) => entry.includes(` name=coldpool-plans-sub:${node_id} `));
        expect(line).toMatch(/ sub=1 /);
      },
      { timeout: 10_000, interval: 50 },
    );
  }

  it('delivers a plan missed while disconnected', async () => {
    const leader = await relay('missed-a');
    const follower = await relay('missed-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    await killSubscriber('missed-b');
    // ioredis 5 waits 50 ms before its first reconnect (its default retryStrategy), so only the leader's
    // subscriber gets this publish.
    const [, subscribers] = (await admin.pubsub('NUMSUB', follower.channel)) as [string, number];
    expect(subscribers).toBe(1);
    await leader.publish(planOf('plan-missed', 2_000));
    await vi.waitFor(() => expect(received).toEqual(['plan-missed']), { timeout: 10_000 });
  });

  it('stores the newest plan in redis', async () => {
    const leader = await relay('stored-a');
    await leader.publish(planOf('plan-stored', 2_000));
    const stored = JSON.parse((await admin.get(latestPlanKey(LEADER_KEY))) ?? 'null');
    expect(latestPlanKey(LEADER_KEY)).toBe('coldpool:leader:relay-test:plans:latest');
    expect(stored.node_id).toBe('stored-a');
    expect(stored.plan.id).toBe('plan-stored');
  });

  it('delivers a missed plan once', async () => {
    const leader = await relay('once-a');
    const follower = await relay('once-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    await killSubscriber('once-b');
    await leader.publish(planOf('plan-once', 2_000));
    await vi.waitFor(() => expect(received).toEqual(['plan-once']), { timeout: 10_000 });
    await killSubscriber('once-b');
    await waitForSubscriber('once-b');
    // The catch-up read runs right after the subscription, so 200 ms is ample on loopback (an estimate).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual(['plan-once']);
  });

  it('keeps a live plan after a reconnect', async () => {
    const leader = await relay('live-a');
    const follower = await relay('live-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    await leader.publish(planOf('plan-live', 2_000));
    await vi.waitFor(() => expect(received).toEqual(['plan-live']), { timeout: 5000 });
    await killSubscriber('live-b');
    await waitForSubscriber('live-b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual(['plan-live']);
  });

  it('keeps the own plan once', async () => {
    const leader = await relay('own-a');
    const local: string[] = [];
    leader.subscribe((plan) => local.push(plan.id));
    await leader.publish(planOf('plan-own', 2_000));
    await killSubscriber('own-a');
    await waitForSubscriber('own-a');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(local).toEqual(['plan-own']);
  });

  it('skips a plan stored before start', async () => {
    const early = JSON.stringify({ node_id: 'gone-a', plan: planOf('plan-early', 2_000) });
    await admin.set(latestPlanKey(LEADER_KEY), early);
    const follower = await relay('early-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    await killSubscriber('early-b');
    await waitForSubscriber('early-b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);
  });

  it('skips a stored plan older than a delivered one', async () => {
    const leader = await relay('older-a');
    const follower = await relay('older-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    await leader.publish(planOf('plan-newer', 3_000));
    await vi.waitFor(() => expect(received).toEqual(['plan-newer']), { timeout: 5000 });
    await killSubscriber('older-b');
    await admin.set(latestPlanKey(LEADER_KEY), JSON.stringify({ node_id: 'x', plan: planOf('plan-older', 2_000) }));
    await waitForSubscriber('older-b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual(['plan-newer']);
  });

  it('resends no plan older than the stored one', async () => {
    const key = latestPlanKey(LEADER_KEY);
    const channel = planChannel(LEADER_KEY);
    const newer = JSON.stringify({ node_id: 'b', plan: planOf('plan-b', 3_000) });
    const older = JSON.stringify({ node_id: 'a', plan: planOf('plan-a', 2_000) });
    const latest = JSON.stringify({ node_id: 'a', plan: planOf('plan-c', 4_000) });
    await admin.set(key, newer);
    expect(await admin.eval(RESEND_PLAN_SCRIPT, 1, key, older, '2000', channel)).toBe(-1);
    expect(await admin.get(key)).toBe(newer);
    expect(await admin.eval(RESEND_PLAN_SCRIPT, 1, key, latest, '4000', channel)).toBe(0);
    expect(await admin.get(key)).toBe(latest);
  });

  it('resends into an empty key', async () => {
    const key = latestPlanKey(LEADER_KEY);
    const message = JSON.stringify({ node_id: 'a', plan: planOf('plan-a', 2_000) });
    expect(await admin.eval(RESEND_PLAN_SCRIPT, 1, key, message, '2000', planChannel(LEADER_KEY))).toBe(0);
    expect(await admin.get(key)).toBe(message);
  });

  it('publishes again after a redis restart', async () => {
    const leader = await relay('restart-a');
    const follower = await relay('restart-b');
    const received: string[] = [];
    follower.subscribe((plan) => received.push(plan.id));
    admin.disconnect();
    await redis.stopProcess();
    try {
      // The publish fails after the publisher's one retry, while Redis is down.
      await leader.publish(planOf('plan-restart', 2_000));
    } finally {
      await redis.startProcess();
      admin = new Redis(redis.url);
    }
    await vi.waitFor(() => expect(received).toEqual(['plan-restart']), { timeout: 15_000 });
    const stored = JSON.parse((await admin.get(latestPlanKey(LEADER_KEY))) ?? 'null');
    expect(stored.plan.id).toBe('plan-restart');
  });
});
