/**
 * Durable queue benchmark: sustained readings/s from the pipeline into InfluxDB with the durable queue
 * on (SQLite WAL, synchronous=FULL, group commit, paged reads) and off (the in-memory InfluxOutput),
 * plus the rate of one commit per reading, the cost of committing each MQTT QoS 1 message before its
 * PUBACK. Readings are offered as fast as the process can make them, `--burst` per event-loop turn.
 *
 * Run: npx tsx bench/ingest-queue.ts [--points 200000] [--devices 1000] [--burst 200] [--rounds 3]
 *   [--commit-delay-ms 0] [--per-reading-points 3000] [--write]
 * With --write, the "## Durable queue" section of BENCHMARKS.md is replaced with the results.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InfluxOutput } from '../gateway/outputs/influx-output.js';
import { InfluxSink } from '../gateway/outputs/influx-sink.js';
import { DurableQueue } from '../gateway/queue/durable-queue.js';
import { QueueConsumer } from '../gateway/queue/queue-consumer.js';
import type { Reading } from '../gateway/reading.js';
import { startInfluxd } from '../tests/harness/influxd.js';
import { writeQueueSection } from './ingest-queue-report.js';
import { integerOption, parseOrExit } from './support/bench-args.js';

const SCRIPT = 'bench/ingest-queue.ts';
const { values: args } = parseOrExit(SCRIPT, () =>
  parseArgs({
    options: {
      points: { type: 'string', default: '200000' },
      devices: { type: 'string', default: '1000' },
      burst: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '3' },
      'per-reading-points': { type: 'string', default: '3000' },
      'commit-delay-ms': { type: 'string', default: '0' },
      write: { type: 'boolean', default: false },
    },
  }),
);
const points = integerOption(SCRIPT, 'points', args.points, 1);
const devices = integerOption(SCRIPT, 'devices', args.devices, 1);
const burst = integerOption(SCRIPT, 'burst', args.burst, 1);
const rounds = integerOption(SCRIPT, 'rounds', args.rounds, 1);
const perReadingPoints = integerOption(SCRIPT, 'per-reading-points', args['per-reading-points'], 1);
const commitDelayMs = integerOption(SCRIPT, 'commit-delay-ms', args['commit-delay-ms'], 0);
const BASE_TIME_MS = 1_764_864_000_000;

/** Reading number `index`: one of `devices` devices, one reading per device and second. */
function reading(index: number): Reading {
  const seq = Math.floor(index / devices) + 1;
  return {
    measurement: 'cold_room',
    tags: { site: 'bench', asset: `room-${index % devices}`, device: `dev-${index % devices}` },
    fields: { air_temp_c: 2 + (index % 50) / 10, humidity_pct: 80 + (index % 7), seq },
    integer_fields: new Set(['seq']),
    time_ms: BASE_TIME_MS + seq * 1000,
    time_source: 'source',
    sequence: seq,
  };
}

/** Offers `count` readings to `accept`, `burst` per event-loop turn; resolves when all were offered. */
function offer(count: number, accept: (reading: Reading) => void): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    const step = (): void => {
      const end = Math.min(count, next + burst);
      for (; next < end; next++) accept(reading(next));
      if (next < count) setImmediate(step);
      else resolve();
    };
    step();
  });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** One measured run. */
export interface RunResult {
  mode: string;
  points: number;
  /** Readings/s from the first offered reading to the last one written to InfluxDB. */
  end_to_end_per_s: number;
  /** Readings/s accepted by the pipeline side (committed to disk when the queue is on). */
  accepted_per_s: number;
}

async function runDirect(url: string): Promise<RunResult> {
  const output = new InfluxOutput({ url, batch_size: 5000, max_pending: points + 1, flush_interval_ms: 50 });
  await output.start();
  const started = performance.now();
  await offer(points, (item) => output.write([item]));
  const accepted = performance.now();
  await until(() => output.stats().written >= points);
  const finished = performance.now();
  await output.stop();
  return rates('queue off (in-memory InfluxOutput)', points, started, accepted, finished);
}

async function runQueued(url: string, commitEach: boolean, count: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-bench-queue-'));
  const sink = new InfluxSink({ url, batch_size: 5000 });
  const queue = new DurableQueue({
    path: join(dir, 'queue.db'),
    outputs: ['influx'],
    commit_delay_ms: commitDelayMs,
    commit_max_points: 10_000,
    line_encoder: (item) => sink.encodeLine(item),
    keep_readings: false,
  });
  const consumer = new QueueConsumer(queue, sink);
  await consumer.start();
  const started = performance.now();
  await offer(count, (item) => {
    queue.enqueue([item]);
    if (commitEach) queue.commit();
  });
  queue.commit();
  const accepted = performance.now();
  await until(() => consumer.stats().written >= count);
  const finished = performance.now();
  await consumer.stop();
  queue.close();
  rmSync(dir, { recursive: true, force: true });
  const mode = commitEach ? 'queue on, one commit per reading' : 'queue on, group commit';
  return rates(mode, count, started, accepted, finished);
}

function rates(mode: string, count: number, started: number, accepted: number, finished: number): RunResult {
  return {
    mode,
    points: count,
    end_to_end_per_s: Math.round(count / ((finished - started) / 1000)),
    accepted_per_s: Math.round(count / ((accepted - started) / 1000)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Returns the first line of `command --version`-style output, or `unknown`. */
function versionOf(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0] ?? '';
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]?.toFixed(1) ?? 'unknown';
  const influxd = await startInfluxd();
  const results: RunResult[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      results.push(await runDirect(`${influxd.url}/direct_${round}`));
      results.push(await runQueued(`${influxd.url}/queued_${round}`, false, points));
      results.push(await runQueued(`${influxd.url}/each_${round}`, true, perReadingPoints));
      for (const result of results.slice(-3)) process.stdout.write(`round ${round}: ${JSON.stringify(result)}\n`);
    }
  } finally {
    await influxd.stop();
  }
  const modes = [...new Set(results.map((result) => result.mode))];
  const summary = modes.map((mode) => {
    const runs = results.filter((result) => result.mode === mode);
    return {
      mode,
      points: runs[0]?.points ?? 0,
      end_to_end_per_s: median(runs.map((run) => run.end_to_end_per_s)),
      accepted_per_s: median(runs.map((run) => run.accepted_per_s)),
      rounds_end_to_end_per_s: runs.map((run) => run.end_to_end_per_s),
    };
  });
  const machine = [
    `${cpus().length} cores (nproc)`,
    cpus()[0]?.model ?? 'unknown CPU',
    `Node.js ${process.version}`,
    versionOf('/usr/bin/influxd', ['version']),
  ].join('; ');
  const command = `npx tsx bench/ingest-queue.ts --points ${points} --devices ${devices} --burst ${burst} --rounds ${rounds} --commit-delay-ms ${commitDelayMs}`;
  const loadAfter = loadavg()[0]?.toFixed(1) ?? 'unknown';
  const section = writeQueueSection(summary, {
    machine,
    command,
    write: args.write,
    load_before: loadBefore,
    load_after: loadAfter,
  });
  process.stdout.write(`${section}\n`);
}

await main();
