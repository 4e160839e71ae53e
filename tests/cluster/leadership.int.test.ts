import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../gateway/cluster/cluster-config.js';
import { Leadership, type LeaderTask } from '../../gateway/cluster/leadership.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns a task that records its starts and stops and takes `work_ms` for each. */
function recordingTask(events: string[], node_id: string, work_ms = 0): LeaderTask {
  return {
    name: 'recorder',
    async start(term) {
      events.push(`${node_id} start ${term}`);
      await sleep(work_ms);
    },
    async stop() {
      events.push(`${node_id} stop`);
      await sleep(work_ms);
    },
  };
}

describe('Leadership', () => {
  let redis: RedisServer;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  function cluster(node_id: string, leader_key: string) {
    return parseClusterConfig({ redis_url: redis.url, node_id, leader_key, lease_ms: 1000, renew_ms: 200 });
  }

  it('starts the task on the first node', async () => {
    const events: string[] = [];
    const first = await Leadership.start(cluster('a', 'first'), recordingTask(events, 'a'), log);
    const second = await Leadership.start(cluster('b', 'first'), recordingTask(events, 'b'), log);
    await sleep(100);
    expect(events).toEqual(['a start 1']);
    await second.stop();
    await first.stop();
  });

  it('moves the task when the leader stops', async () => {
    const events: string[] = [];
    const first = await Leadership.start(cluster('a', 'handover'), recordingTask(events, 'a'), log);
    const second = await Leadership.start(cluster('b', 'handover'), recordingTask(events, 'b'), log);
    await first.stop();
    expect(events).toEqual(['a start 1', 'a stop']);
    await sleep(500);
    expect(events.at(-1)).toBe('b start 2');
    await second.stop();
    expect(events.at(-1)).toBe('b stop');
  });

  it('waits for a slow start before stopping', async () => {
    const events: string[] = [];
    const node = await Leadership.start(cluster('a', 'slow'), recordingTask(events, 'a', 300), log);
    await node.stop();
    expect(events).toEqual(['a start 1', 'a stop']);
  });
});
