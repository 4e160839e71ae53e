import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderElection } from '../../gateway/cluster/leader-election.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

const LEASE_MS = 1000;
const RENEW_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function election(redis: RedisServer, node_id: string, key: string): LeaderElection {
  return new LeaderElection({ redis_url: redis.url, node_id, key, lease_ms: LEASE_MS, renew_ms: RENEW_MS });
}

describe('LeaderElection', () => {
  let redis: RedisServer;
  let admin: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
  });

  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('elects exactly one of three nodes', async () => {
    const nodes = ['a', 'b', 'c'].map((id) => election(redis, id, 'one-of-three'));
    await Promise.all(nodes.map((node) => node.start()));
    await sleep(RENEW_MS * 3);
    expect(nodes.filter((node) => node.isLeader)).toHaveLength(1);
    const leader = nodes.find((node) => node.isLeader);
    expect(await admin.get('one-of-three')).toBe(leader?.token);
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('keeps the lease while renewing', async () => {
    const node = election(redis, 'a', 'renewal');
    await node.start();
    await sleep(LEASE_MS * 3);
    expect(node.isLeader).toBe(true);
    expect(await admin.pttl('renewal')).toBeGreaterThan(LEASE_MS - RENEW_MS * 2);
    await node.stop();
  });

  it('hands over when the leader stops', async () => {
    const first = election(redis, 'a', 'handover');
    const second = election(redis, 'b', 'handover');
    await first.start();
    await second.start();
    expect(second.isLeader).toBe(false);
    const elected = new Promise<number>((resolve) => second.once('elected', resolve));
    await first.stop();
    expect(await admin.get('handover')).toBeNull();
    const term = await elected;
    expect(second.isLeader).toBe(true);
    expect(term).toBeGreaterThan(first.term);
    await second.stop();
  });

  it('takes over after the lease of a silent leader expires', async () => {
    // A token set by hand is a leader that stopped renewing without releasing, as a killed process does.
    await admin.set('takeover', 'dead-node:0', 'PX', LEASE_MS);
    const node = election(redis, 'b', 'takeover');
    const started = Date.now();
    const elected = new Promise<void>((resolve) => node.once('elected', () => resolve()));
    await node.start();
    expect(node.isLeader).toBe(false);
    await elected;
    expect(Date.now() - started).toBeLessThan(LEASE_MS + RENEW_MS * 2);
    await node.stop();
  });

  it('steps down when another token replaces its own', async () => {
    const node = election(redis, 'a', 'stolen');
    await node.start();
    expect(node.isLeader).toBe(true);
    const deposed = new Promise<string>((resolve) => node.once('deposed', resolve));
    await admin.set('stolen', 'other-node:1', 'PX', LEASE_MS * 10);
    expect(await deposed).toMatch(/another node/);
    expect(node.isLeader).toBe(false);
    expect(await admin.get('stolen')).toBe('other-node:1');
    await node.stop();
  });

  it('steps down when redis is unreachable', async () => {
    const own = await startRedisServer();
    const node = new LeaderElection({
      redis_url: own.url,
      node_id: 'a',
      key: 'lost',
      lease_ms: LEASE_MS,
      renew_ms: RENEW_MS,
    });
    node.on('error', () => {});
    await node.start();
    expect(node.isLeader).toBe(true);
    const deposed = new Promise<string>((resolve) => node.once('deposed', resolve));
    const stoppedAt = Date.now();
    await own.stop();
    expect(await deposed).toMatch(/not renewed/);
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS);
    await node.stop();
  });

  it('rejects a renewal interval over half the lease', () => {
    expect(
      () => new LeaderElection({ redis_url: redis.url, node_id: 'a', key: 'k', lease_ms: 1000, renew_ms: 600 }),
    ).toThrow(/at most half/);
  });
});
