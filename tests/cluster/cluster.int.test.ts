import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamIngest } from '../../gateway/upstream/upstream-ingest.js';
import { freePort } from '../harness/free-port.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';
import type { NodeStart } from './support/node-process.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

const NODE_IDS = ['node-0', 'node-1', 'node-2'] as const;
/** Broker node each device group publishes to: never the node that is killed, and never its own. */
const PUBLISH_VIA: Record<string, number> = { 'node-0': 2, 'node-1': 0, 'node-2': 0 };
const DEVICES_PER_NODE = 2;
const PUBLISH_EVERY_MS = 25;

interface NodeProcess {
  child: ChildProcess;
  ticks: Array<{ node_id: string; term: number; at: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('cluster of three gateway nodes', () => {
  let redis: RedisServer;
  let central: Mosquitto;
  let influx: Influxd;
  let ingest: UpstreamIngest;
  let dir: string;
  const ports: number[] = [];
  const nodes = new Map<string, NodeProcess>();
  const ticks: Array<{ node_id: string; term: number; at: number }> = [];
  const publishers: MqttClient[] = [];
  const published = new Map<string, number>();
  let leaderBeforeKill: { node_id: string; term: number } | undefined;
  let killedAt = 0;

  function startNode(index: number): Promise<void> {
    const node_id = NODE_IDS[index] as string;
    const child = fork(join(import.meta.dirname, 'support/node-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const entry: NodeProcess = { child, ticks: [] };
    nodes.set(node_id, entry);
    child.on('message', (message: { type: string; node_id: string; term: number }) => {
      if (message.type === 'leader_tick') ticks.push({ node_id: message.node_id, term: message.term, at: Date.now() });
    });
    const start: NodeStart = {
      type: 'start',
      node_id,
      redis_url: redis.url,
      broker_port: ports[index] as number,
      upstream_url: central.url,
      data_dir: join(dir, node_id),
      topic: `rooms/${node_id}/+/state`,
    };
    child.send(start);
    return new Promise((resolve, reject) => {
      child.on('message', (message: { type: string }) => {
        if (message.type === 'started') resolve();
      });
      child.once('exit', (code) => reject(new Error(`${node_id} exited with ${code} before it started`)));
    });
  }

  async function publishFor(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const sends: Promise<unknown>[] = [];
      for (const [index, node_id] of NODE_IDS.entries()) {
        const client = publishers[index] as MqttClient;
        for (let device = 1; device <= DEVICES_PER_NODE; device++) {
          const id = `${node_id}-room-${device}`;
          const seq = (published.get(id) ?? 0) + 1;
          published.set(id, seq);
          const payload = JSON.stringify({
            seq,
            ts: Date.now(),
            temp_c: 3 + (seq % 10) / 10,
            rh_pct: 80,
            door_open: false,
            battery_pct: 90,
          });
          sends.push(client.publishAsync(`rooms/${node_id}/${id}/state`, payload, { qos: 1 }));
        }
      }
      await Promise.all(sends);
      await sleep(PUBLISH_EVERY_MS);
    }
  }

  async function countsInCentral(): Promise<Map<string, number>> {
    const body = await influx.query('SELECT count(air_temp_c) FROM cold_room GROUP BY device', 'central');
    const counts = new Map<string, number>();
    for (const series of body.results?.[0]?.series ?? []) {
      counts.set(series.tags.device as string, series.values[0][1] as number);
    }
    return counts;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-cluster-'));
    [redis, central, influx] = await Promise.all([startRedisServer(), startMosquitto(), startInfluxd()]);
    ingest = new UpstreamIngest({
      broker_url: central.url,
      topic_prefix: 'county/upstream',
      influx_url: `${influx.url}/central`,
    });
    await ingest.start();
    for (let index = 0; index < NODE_IDS.length; index++) ports.push(await freePort());
    // node-1 starts first so that it wins the election and the kill below takes the leader down.
    await startNode(1);
    await until(() => ticks.length > 0, 10_000, 'first leader tick');
    await startNode(0);
    await startNode(2);
    for (const node_id of NODE_IDS) {
      const via = PUBLISH_VIA[node_id] as number;
      publishers.push(await connectAsync(`mqtt://127.0.0.1:${ports[via]}`, { clientId: `devices-of-${node_id}` }));
    }
    await publishFor(3000);
    leaderBeforeKill = ticks.at(-1);
    killedAt = Date.now();
    nodes.get('node-1')?.child.kill('SIGKILL');
    await publishFor(3000);
    await startNode(1);
    await publishFor(2000);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(publishers.map((client) => client.endAsync()));
    for (const { child } of nodes.values()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    await ingest?.stop();
    await Promise.all([redis?.stop(), central?.stop(), influx?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('killed node led before the kill', () => {
    expect(leaderBeforeKill?.node_id).toBe('node-1');
  });

  it('another node leads after the kill', () => {
    const after = ticks.filter((tick) => tick.at > killedAt + 100);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((tick) => tick.node_id !== 'node-1' || tick.term > (leaderBeforeKill?.term ?? 0))).toBe(true);
    expect(after[0]?.node_id).not.toBe('node-1');
  });

  it('new leader takes over within lease plus renewal', () => {
    const first = ticks.find((tick) => tick.at > killedAt + 100 && tick.node_id !== 'node-1');
    expect(first).toBeDefined();
    expect((first?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(2000 + 500 + 1000);
    expect(first?.term).toBeGreaterThan(leaderBeforeKill?.term ?? 0);
  });

  it('central influxdb has every reading', async () => {
    const expected = [...published.entries()];
    expect(expected.length).toBe(NODE_IDS.length * DEVICES_PER_NODE);
    await until(
      async () => {
        const counts = await countsInCentral();
        return expected.every(([device, count]) => counts.get(device) === count);
      },
      30_000,
      'every published reading in the central InfluxDB',
    ).catch(() => {});
    const counts = await countsInCentral();
    for (const [device, count] of expected) expect(counts.get(device), device).toBe(count);
  });

  it('central ingest skipped no message', () => {
    expect(ingest.stats().invalid_messages).toBe(0);
    expect(ingest.stats().rejected).toBe(0);
  });
});
