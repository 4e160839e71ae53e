/**
 * Three real `coldpool run` processes as one cluster: redis-server for the broker cluster and the leader
 * lease, mosquitto as the central broker, and influxd behind the upstream ingest. A simulated fleet
 * publishes sequence-numbered readings while the planning leader is killed with SIGKILL and restarted.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamIngest } from '../../gateway/upstream/upstream-ingest.js';
import { type GatewayProcess, gatewayProcess } from '../faults/support/gateway-process.js';
import { freePort } from '../harness/free-port.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';
import { nodeConfig } from './support/node-config.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';
import { startUpstreamTally, type UpstreamTally } from './support/upstream-tally.js';

const NODE_IDS = ['node-0', 'node-1', 'node-2'] as const;
/** node-1 starts first, so it leads the planner when it is killed. */
const KILLED = 'node-1';
/** Broker node each device group publishes to: never the killed node. */
const PUBLISH_VIA: Record<string, string> = { 'node-0': 'node-2', 'node-1': 'node-0', 'node-2': 'node-0' };
const DEVICES_PER_NODE = 2;
const PUBLISH_EVERY_MS = 25;
const LEASE_MS = 2000;
const PREFIX = 'county/upstream';

interface LogEntry {
  msg?: string;
  time?: number;
  node_id?: string;
  component?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('cluster of three coldpool run processes', () => {
  let redis: RedisServer;
  let central: Mosquitto;
  let influx: Influxd;
  let ingest: UpstreamIngest;
  let tally: UpstreamTally;
  let dir: string;
  const ports = new Map<string, number>();
  const nodes = new Map<string, GatewayProcess>();
  const publishers: MqttClient[] = [];
  const published = new Map<string, number>();
  let killedAt = 0;
  let startedAt = 0;

  function logsOf(node_id: string): LogEntry[] {
    return (nodes.get(node_id)?.logs ?? []) as LogEntry[];
  }

  /** Times of `msg` log lines of every node, with the node that wrote them. */
  function logTimes(msg: string): Array<{ node_id: string; time: number }> {
    return NODE_IDS.flatMap((node_id) =>
      logsOf(node_id)
        .filter((entry) => entry.msg === msg)
        .map((entry) => ({ node_id, time: entry.time ?? 0 })),
    );
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

  /** Sequence numbers of each device in the central InfluxDB. */
  async function sequencesInCentral(): Promise<Map<string, Set<number>>> {
    const body = await influx.query('SELECT seq FROM cold_room GROUP BY device', 'central');
    const found = new Map<string, Set<number>>();
    for (const series of body.results?.[0]?.series ?? []) {
      const values = (series.values as Array<[string, number]>).map((row) => row[1]);
      found.set(series.tags.device as string, new Set(values));
    }
    return found;
  }

  function missingIn(found: Map<string, Set<number>>): number {
    let missing = 0;
    for (const [device, last] of published) {
      const seqs = found.get(device) ?? new Set<number>();
      for (let seq = 1; seq <= last; seq++) if (!seqs.has(seq)) missing++;
    }
    return missing;
  }

  beforeAll(async () => {
    startedAt = Date.now();
    dir = mkdtempSync(join(tmpdir(), 'coldpool-cluster-'));
    [redis, central, influx] = await Promise.all([startRedisServer(), startMosquitto(), startInfluxd()]);
    ingest = new UpstreamIngest({
      broker_url: central.url,
      topic_prefix: PREFIX,
      influx_url: `${influx.url}/central`,
      queue_path: join(dir, 'ingest', 'queue.db'),
    });
    await ingest.start();
    tally = await startUpstreamTally(central.url, PREFIX, 'cold_room');
    for (const node_id of NODE_IDS) {
      const nodeDir = join(dir, node_id);
      mkdirSync(nodeDir);
      const broker_port = await freePort();
      ports.set(node_id, broker_port);
      const config = nodeConfig({
        node_id,
        dir: nodeDir,
        broker_port,
        redis_url: redis.url,
        upstream_url: central.url,
        upstream_prefix: PREFIX,
        lease_ms: LEASE_MS,
      });
      nodes.set(node_id, gatewayProcess(nodeDir, config));
    }
    await nodes.get(KILLED)?.start();
    await until(() => logTimes('elected leader; starting the leader task').length > 0, 10_000, 'first election');
    await Promise.all(NODE_IDS.filter((id) => id !== KILLED).map((id) => nodes.get(id)?.start()));
    for (const node_id of NODE_IDS) {
      const via = ports.get(PUBLISH_VIA[node_id] as string) as number;
      publishers.push(await connectAsync(`mqtt://127.0.0.1:${via}`, { clientId: `devices-of-${node_id}` }));
    }
    await publishFor(3000);
    killedAt = Date.now();
    await nodes.get(KILLED)?.kill();
    await publishFor(4000);
    await nodes.get(KILLED)?.start();
    await publishFor(2000);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(publishers.map((client) => client.endAsync()));
    await Promise.all([...nodes.values()].map((node) => node.stop()));
    await tally?.stop();
    await ingest?.stop();
    await Promise.all([redis?.stop(), central?.stop(), influx?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('killed node led before the kill', () => {
    const elected = logTimes('elected leader; starting the leader task').filter((entry) => entry.time < killedAt);
    expect(elected.at(-1)?.node_id).toBe(KILLED);
  });

  it('survivor leads within lease after kill', () => {
    const elected = logTimes('elected leader; starting the leader task').find((entry) => entry.time > killedAt);
    expect(elected?.node_id).toBeDefined();
    expect(elected?.node_id).not.toBe(KILLED);
    // A follower retries every renew_ms, so it takes a dead leader's key within lease_ms + renew_ms.
    expect((elected?.time ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(LEASE_MS + LEASE_MS / 4 + 500);
  });

  it('planner runs a round after the kill', () => {
    const rounds = logTimes('plan ready').filter((entry) => entry.time > killedAt);
    expect(rounds.length).toBeGreaterThan(0);
    expect(rounds.every((entry) => entry.node_id !== KILLED)).toBe(true);
  });

  it('only the leader runs planning rounds', () => {
    const rounds = logTimes('plan ready');
    const before = rounds.filter((entry) => entry.time < killedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((entry) => entry.node_id === KILLED)).toBe(true);
  });

  it('central influxdb loses no reading', async () => {
    expect(published.size).toBe(NODE_IDS.length * DEVICES_PER_NODE);
    await until(async () => missingIn(await sequencesInCentral()) === 0, 30_000, 'every reading centrally').catch(
      () => {},
    );
    const found = await sequencesInCentral();
    const sent = [...published.values()].reduce((sum, count) => sum + count, 0);
    let stored = 0;
    for (const seqs of found.values()) stored += seqs.size;
    const lost = missingIn(found);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `cluster tally: sent=${sent} stored=${stored} duplicates=${tally.duplicates()} lost=${lost} (${seconds} s)`,
    );
    expect(lost).toBe(0);
    expect(stored).toBe(sent);
  });

  it('central ingest skipped no message', () => {
    expect(ingest.stats().invalid_messages).toBe(0);
    expect(ingest.stats().rejected).toBe(0);
  });
});
