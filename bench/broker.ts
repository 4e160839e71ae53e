/**
 * Broker benchmark: the embedded aedes broker (gateway/broker/embedded-broker.ts, in a child process)
 * against mosquitto, under the same load: the lean publisher sends cold-room JSON readings for many device
 * ids over 4 connections and one subscriber receives them all. Measures messages/s through the broker,
 * publish-to-delivery latency (p50, p99) and broker RSS and CPU. Writes the "## Broker" section of
 * BENCHMARKS.md.
 *
 * Run: npx tsx bench/broker.ts [--phase-s 8] [--devices 10000]
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startMosquitto } from '../tests/harness/mosquitto.js';
import { integerOption, parseOrExit } from './support/bench-args.js';
import { writeSection } from './support/benchmarks-file.js';
import { CountingSubscriber } from './support/broker-subscriber.js';
import { forkTs, nextMessage, onInterrupt, stopChild } from './support/child.js';
import type { LoadResult, LoadSettings } from './support/load-publisher.js';
import { describeMachine } from './support/machine.js';
import { type CpuShares, cpuShares, percent, readCpuTimes } from './support/machine-cpu.js';
import { mib, percentile } from './support/percentiles.js';
import { childPidByName, UsageSampler } from './support/process-usage.js';

const SCRIPT = 'bench/broker.ts';
const { values: args } = parseOrExit(SCRIPT, () =>
  parseArgs({
    options: { 'phase-s': { type: 'string', default: '8' }, devices: { type: 'string', default: '10000' } },
  }),
);
const phaseS = integerOption(SCRIPT, 'phase-s', args['phase-s'], 1);
const devices = integerOption(SCRIPT, 'devices', args.devices, 1);
const here = new URL('.', import.meta.url).pathname;

interface BrokerRun {
  broker: string;
  qos: 0 | 1;
  rate: number;
  sent_per_s: number;
  delivered_per_s: number;
  lost: number;
  p50_ms: number;
  p99_ms: number;
  peak_rss_bytes: number;
  broker_cpu_cores: number;
  publisher_cpu_cores: number;
  /** Idle and stolen shares of the machine's CPU while the publisher ran and the last messages arrived. */
  machine_cpu: CpuShares;
}

/** Longest wait for the last messages to arrive after the publisher stops, milliseconds. */
const SETTLE_TIMEOUT_MS = 15_000;

async function runLoad(broker: string, pid: number, port: number, qos: 0 | 1, rate: number): Promise<BrokerRun> {
  const subscriber = await CountingSubscriber.start('127.0.0.1', port, 'bench/#', qos);
  const usage = new UsageSampler(pid);
  usage.start();
  const cpuBefore = readCpuTimes();
  const publisher = forkTs(`${here}support/load-publisher.ts`);
  const settings: LoadSettings = {
    host: '127.0.0.1',
    port,
    connections: 4,
    devices,
    qos,
    rate_per_s: rate,
    duration_s: phaseS,
    topic_prefix: 'bench',
    probe_device: '',
    probe_every_ms: 1000,
    max_inflight: 2000,
  };
  publisher.send(settings);
  const { result } = await nextMessage<{ result: LoadResult }>(publisher, 'done', (phaseS + 40) * 1000);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (subscriber.received < result.sent && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const peak = usage.stop();
  const machineCpu = cpuShares(cpuBefore, readCpuTimes());
  await subscriber.close();
  const span = Math.max(1, subscriber.lastArrival - subscriber.firstArrival);
  return {
    broker,
    qos,
    rate,
    sent_per_s: (result.sent * 1000) / result.elapsed_ms,
    delivered_per_s: (subscriber.received * 1000) / span,
    lost: result.sent - subscriber.received,
    p50_ms: percentile(subscriber.latencies_ms, 50),
    p99_ms: percentile(subscriber.latencies_ms, 99),
    peak_rss_bytes: peak.peak_rss_bytes,
    broker_cpu_cores: peak.cpu_cores,
    publisher_cpu_cores: result.cpu_ms / result.elapsed_ms,
    machine_cpu: machineCpu,
  };
}

const loads: Array<{ qos: 0 | 1; rate: number }> = [
  { qos: 0, rate: 10_000 },
  { qos: 1, rate: 10_000 },
  { qos: 0, rate: 0 },
  { qos: 1, rate: 0 },
];

function row(run: BrokerRun): string {
  return [
    run.broker,
    `QoS ${run.qos}`,
    run.rate === 0 ? 'max' : String(run.rate),
    run.sent_per_s.toFixed(0),
    run.delivered_per_s.toFixed(0),
    String(run.lost),
    run.p50_ms.toFixed(0),
    run.p99_ms.toFixed(0),
    mib(run.peak_rss_bytes),
    run.broker_cpu_cores.toFixed(2),
    run.publisher_cpu_cores.toFixed(2),
    percent(run.machine_cpu.idle),
    percent(run.machine_cpu.steal),
  ].join(' | ');
}

async function main(): Promise<void> {
  const runs: BrokerRun[] = [];
  const aedes: ChildProcess = forkTs(`${here}support/broker-child.ts`);
  onInterrupt(() => stopChild(aedes));
  try {
    const { port } = await nextMessage<{ port: number }>(aedes, 'started', 30_000);
    for (const load of loads) {
      runs.push(await runLoad('aedes (embedded)', aedes.pid as number, port, load.qos, load.rate));
      console.log(row(runs.at(-1) as BrokerRun));
    }
  } finally {
    await stopChild(aedes);
  }
  const mosquitto = await startMosquitto();
  onInterrupt(() => mosquitto.stop());
  try {
    const pid = childPidByName('mosquitto');
    for (const load of loads) {
      runs.push(await runLoad('mosquitto 2.0.11', pid, mosquitto.port, load.qos, load.rate));
      console.log(row(runs.at(-1) as BrokerRun));
    }
  } finally {
    await mosquitto.stop();
  }
  const body = [
    `Machine: ${describeMachine()}.`,
    '',
    `Command: \`${['npx tsx bench/broker.ts', ...process.argv.slice(2)].join(' ')}\` (run ${new Date().toISOString().slice(0, 10)}).`,
    '',
    `Load: bench/support/load-publisher.ts sends ${devices} device ids over 4 connections for ${phaseS} s (QoS 1: at ` +
      'most 2,000 unacknowledged per connection); one subscriber on `bench/#` at the same QoS receives everything. ' +
      '"max" sends as fast as the broker reads. Latency: from the stamp in the payload to arrival, every 10th ' +
      'message. Delivered/s: messages over the time from the first to the last arrival. The broker runs alone in its own process.',
    '',
    '| broker | QoS | target/s | sent/s | delivered/s | not delivered | p50 ms | p99 ms | broker peak RSS MiB | broker CPU (cores) | publisher CPU (cores) | machine CPU idle | CPU steal |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((run) => `| ${row(run)} |`),
  ];
  writeSection('Broker', body.join('\n'));
}

await main();
