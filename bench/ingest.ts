/**
 * Ingest benchmark: simulated devices publish JSON readings over MQTT to the gateway's embedded broker,
 * and the gateway (a child process, durable queue on) writes them to InfluxDB. Measures
 * readings/s into InfluxDB, publish-to-queryable latency, gateway RSS and CPU, and the ceiling: the same
 * points written straight to the same influxd as line protocol. Writes the "## Ingest" section of
 * BENCHMARKS.md.
 *
 * Run: npx tsx bench/ingest.ts [--phase-s 10] [--devices 10000] [--only qos0-10k,qos1-max]
 *   [--commit-delay-ms 2] [--insert-commit-points 200] [--alarms off] [--local-store on] [--connections 4] [--writes-in-flight 2] [--worker-thread off]
 *   [--variant NAME] [--qos0-rates 34000,38000]
 * Each --variant gets its own "### NAME" part of the section. --qos0-rates adds a QoS 0 phase at each fixed
 * rate, named `qos0-<rate>`, after the standard phases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startInfluxd } from '../tests/harness/influxd.js';
import { integerOption, parseOrExit } from './support/bench-args.js';
import { writeSubsection } from './support/benchmarks-file.js';
import { extraGatewayNodeArgs, forkTs, gatewayNodeArgs, nextMessage, onInterrupt, stopChild } from './support/child.js';
import { type DirectWriteResult, writeDirect } from './support/direct-writer.js';
import type { GatewayChildStats } from './support/gateway-child.js';
import { InfluxProbe } from './support/influx-probe.js';
import { type IngestPhase, type PhaseResult, runPhase } from './support/ingest-phase.js';
import type { LoadSettings } from './support/load-publisher.js';
import { describeMachine } from './support/machine.js';
import { percent } from './support/machine-cpu.js';
import { mib, percentile } from './support/percentiles.js';

const SCRIPT = 'bench/ingest.ts';
const { values: args } = parseOrExit(SCRIPT, () =>
  parseArgs({
    options: {
      'phase-s': { type: 'string', default: '10' },
      devices: { type: 'string', default: '10000' },
      only: { type: 'string' },
      'commit-delay-ms': { type: 'string' },
      'insert-commit-points': { type: 'string' },
      'local-store': { type: 'string', default: 'off' },
      connections: { type: 'string', default: '4' },
      alarms: { type: 'string', default: 'on' },
      variant: { type: 'string', default: 'default configuration' },
      'writes-in-flight': { type: 'string' },
      'worker-thread': { type: 'string', default: 'on' },
      'qos0-rates': { type: 'string' },
    },
  }),
);
const phaseS = integerOption(SCRIPT, 'phase-s', args['phase-s'], 1);
const devices = integerOption(SCRIPT, 'devices', args.devices, 1);
const connections = integerOption(SCRIPT, 'connections', args.connections, 1);
const here = new URL('.', import.meta.url).pathname;

/** Returns a QoS 0 phase for each rate of a comma-separated list. Exits with status 2 on a rate that is not a whole number above 0. */
function fixedRatePhases(list: string | undefined): IngestPhase[] {
  if (list === undefined) return [];
  return list.split(',').map((text) => {
    const rate = integerOption(SCRIPT, 'qos0-rates', text, 1);
    return { name: `qos0-${rate}`, qos: 0, rate_per_s: rate };
  });
}

const allPhases: IngestPhase[] = [
  { name: 'qos0-10k', qos: 0, rate_per_s: 10_000 },
  { name: 'qos1-10k', qos: 1, rate_per_s: 10_000 },
  { name: 'qos0-max', qos: 0, rate_per_s: 0 },
  { name: 'qos1-max', qos: 1, rate_per_s: 0 },
  ...fixedRatePhases(args['qos0-rates']),
];
const phases =
  args.only === undefined ? allPhases : allPhases.filter((phase) => args.only?.split(',').includes(phase.name));

function gatewayConfig(influxUrl: string, dir: string): unknown {
  return {
    site: 'bench',
    log_level: 'warn',
    mqtt: {
      broker: { port: 0 },
      republish: { enabled: false },
      subscriptions: [{ topic: 'bench/+/state', device_id_segment: 1, profile: 'coldpool-room-celsius' }],
    },
    outputs: {
      influx: {
        url: `${influxUrl}/bench`,
        ...(args['writes-in-flight'] !== undefined ? { writes_in_flight: Number(args['writes-in-flight']) } : {}),
        worker_thread: args['worker-thread'] !== 'off',
      },
      local_store: { enabled: args['local-store'] === 'on', path: join(dir, 'store.db') },
    },
    alarms: { enabled: args.alarms !== 'off' },
  };
}

function commandLine(): string {
  const extra = extraGatewayNodeArgs();
  const env = extra.length > 0 ? `GATEWAY_NODE_ARGS="${extra.join(' ')}" ` : '';
  return [`${env}npx tsx bench/ingest.ts`, ...process.argv.slice(2)].join(' ');
}

/** Returns the durable queue settings of the run. Only the ones given on the command line differ from the defaults. */
function queueSettings(): Record<string, number> {
  const delay = args['commit-delay-ms'];
  const insertPoints = args['insert-commit-points'];
  return {
    ...(delay === undefined ? {} : { commit_delay_ms: Number(delay) }),
    ...(insertPoints === undefined ? {} : { insert_commit_points: Number(insertPoints) }),
  };
}

function row(result: PhaseResult): string {
  const { phase } = result;
  return [
    phase.name,
    `QoS ${phase.qos}`,
    phase.rate_per_s === 0 ? 'max' : String(phase.rate_per_s),
    result.published_per_s.toFixed(0),
    result.written_per_s.toFixed(0),
    percentile(result.latencies_ms, 50).toFixed(0),
    percentile(result.latencies_ms, 99).toFixed(0),
    mib(result.peak_rss_bytes),
    result.gateway_cpu_cores.toFixed(2),
    result.publisher_cpu_cores.toFixed(2),
    result.influxd_cpu_cores.toFixed(2),
    percent(result.machine_cpu.idle),
    percent(result.machine_cpu.steal),
    String(result.backlog_after_drain),
  ].join(' | ');
}

async function main(): Promise<void> {
  const influx = await startInfluxd();
  onInterrupt(() => influx.stop());
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-bench-ingest-'));
  const nodeArgs = gatewayNodeArgs();
  let gateway: ReturnType<typeof forkTs>;
  try {
    gateway = forkTs(join(here, 'support/gateway-child.ts'), [], nodeArgs);
  } catch (error) {
    // A stale build throws here; influxd must not outlive the run.
    await influx.stop();
    throw error;
  }
  onInterrupt(() => stopChild(gateway));
  const results: PhaseResult[] = [];
  const ceilings: DirectWriteResult[] = [];
  let failure: string | undefined;
  try {
    gateway.send({
      type: 'start',
      config: gatewayConfig(influx.url, dir),
      queue: queueSettings(),
    });
    const { broker_url } = await nextMessage<{ broker_url: string }>(gateway, 'started', 30_000);
    const port = Number(new URL(broker_url).port);
    // The ceiling is measured before the phases and after them. Its rate varied by up to a fifth between
    // these two points of one run, so the ratio is taken to the higher of the two.
    ceilings.push(await measureCeiling(influx.url, 'ceiling_before'));
    for (const phase of phases) {
      const load: LoadSettings = {
        host: '127.0.0.1',
        port,
        connections,
        devices,
        qos: phase.qos,
        rate_per_s: phase.rate_per_s,
        duration_s: phaseS,
        topic_prefix: 'bench',
        probe_device: `probe-${phase.name}`,
        probe_every_ms: 50,
        max_inflight: 2000,
      };
      const probe = new InfluxProbe(influx.url, 'bench', load.probe_device);
      try {
        const result = await runPhase(
          phase,
          gateway,
          load,
          probe,
          join(here, 'support/load-publisher.ts'),
          influx.pid as number,
        );
        console.log(row(result));
        results.push(result);
      } catch (error) {
        // A gateway whose event loop is blocked for long stops replying to stats requests.
        failure = `phase ${phase.name} failed: ${(error as Error).message}; later phases were skipped`;
        console.log(failure);
        break;
      }
    }
    if (failure === undefined) {
      const last = await statsOf(gateway);
      console.log(`gateway log lines at warn or above: ${JSON.stringify(last.warnings)}`);
    }
    ceilings.push(await measureCeiling(influx.url, 'ceiling_after'));
  } finally {
    await stopChild(gateway);
    await influx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report(results, ceilings, failure);
}

async function measureCeiling(influx_url: string, database: string): Promise<DirectWriteResult> {
  const result = await writeDirect(influx_url, database, {
    duration_s: 10,
    batch_lines: 5000,
    connections: 2,
    devices,
  });
  console.log(
    `ceiling (${database}): ${rateOf(result).toFixed(0)} points/s, CPU steal ${percent(result.machine_cpu.steal)}`,
  );
  return result;
}

function rateOf(result: DirectWriteResult): number {
  return (result.points * 1000) / result.elapsed_ms;
}

async function statsOf(child: ReturnType<typeof forkTs>): Promise<GatewayChildStats> {
  child.send({ type: 'stats' });
  return nextMessage<GatewayChildStats>(child, 'stats', 10_000);
}

function report(results: PhaseResult[], ceilings: readonly DirectWriteResult[], failure: string | undefined): void {
  const ceilingRate = ceilings.length === 0 ? Number.NaN : Math.max(...ceilings.map(rateOf));
  const writerCores = ceilings.map((ceiling) => (ceiling.cpu_ms / ceiling.elapsed_ms).toFixed(2)).join(' and ');
  const best = Math.max(...results.map((result) => result.written_per_s));
  const at10k = results.find((result) => result.phase.name === 'qos1-10k');
  const p99At10k = at10k === undefined ? Number.NaN : percentile(at10k.latencies_ms, 99);
  const peakRss = Math.max(...results.map((result) => result.peak_rss_bytes));
  // The RSS target is for the fleet at its own rate; the maximum-rate phases send each device's readings faster.
  const fixedRate = results.filter((result) => result.phase.rate_per_s > 0);
  const fixedRss = Math.max(...fixedRate.map((result) => result.peak_rss_bytes));
  const fixedRates = [...new Set(fixedRate.map((result) => result.phase.rate_per_s))].join(' and ');
  const ratio = best / ceilingRate;
  const verdict = (met: boolean) => (met ? 'met' : 'not met');
  const body = [
    `Machine: ${describeMachine()}.`,
    '',
    `Command: \`${commandLine()}\` (run ${new Date().toISOString().slice(0, 10)}).`,
    '',
    `Setup: gateway in a child process (node flags: ${gatewayNodeArgs().join(' ')}; the launchers' flags, then GATEWAY_NODE_ARGS) with the embedded aedes broker, one wildcard subscription (QoS 1), the ` +
      'durable queue (SQLite WAL; a reading counts as received once its commit is synced, and a QoS 1 PUBACK waits ' +
      `for that) and the InfluxDB output (batches of 5,000, ${args['writes-in-flight'] ?? 2} writes in flight, ${args['worker-thread'] === 'off' ? 'on the main thread' : 'from a worker thread'}) on, local store ${args['local-store'] === 'on' ? 'on' : 'off'}, ` +
      `republish off, alarm engine ${args.alarms === 'off' ? 'off' : 'on (default config, no assets)'}. ` +
      'influxd 1.6.7 runs on the same machine. The load generator (bench/support/load-publisher.ts) ' +
      `sends ${devices} device ids over ${args.connections} MQTT connections plus one latency probe every 50 ms; "max" sends as fast as ` +
      'the broker reads (QoS 1: at most 2,000 unacknowledged per connection). Latency: probe publish to the point ' +
      'first returned by a query polled every 25 ms. Sustained rate: points the InfluxDB output wrote per second ' +
      'over the last two thirds of the phase.',
    '',
    '| phase | QoS | target/s | published/s | into InfluxDB/s | p50 ms | p99 ms | gateway peak RSS MiB | gateway CPU (cores) | publisher CPU (cores) | influxd CPU (cores) | machine CPU idle | CPU steal | backlog after drain |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((result) => `| ${row(result)} |`),
    ...(failure === undefined ? [] : ['', `NOTE: ${failure}.`]),
    '',
    'Ceiling (same influxd, same run, the lines the gateway writes for these readings, 5,000-line batches over 2 ' +
      `connections, 10 s before the phases and 10 s after them): ${ceilings.map((ceiling) => rateOf(ceiling).toFixed(0)).join(' and ')} points/s, ` +
      `writer CPU ${writerCores || 'n/a'} cores, CPU steal ${ceilings.map((ceiling) => percent(ceiling.machine_cpu.steal)).join(' and ')}. ` +
      'The ratio below is taken to the higher. CPU steal is the share of all CPU time that the hypervisor ' +
      'gave to other guests (/proc/stat); rates fall as it rises.',
    '',
    'Targets:',
    '',
    `- at least 40% of the ceiling: ${(ratio * 100).toFixed(0)}% (${best.toFixed(0)} / ${ceilingRate.toFixed(0)}): ${verdict(ratio >= 0.4)}.`,
    `- at least 50,000 readings/s: ${best.toFixed(0)}/s: ${verdict(best >= 50_000)}.`,
    `- p99 publish-to-queryable under 2 s at 10,000 readings/s (QoS 1): ${p99At10k.toFixed(0)} ms: ${verdict(p99At10k < 2000)}.`,
    fixedRate.length === 0
      ? `- gateway RSS under 150 MB with ${devices} devices: not measured (no fixed-rate phase); ${mib(peakRss)} MiB at the maximum rate.`
      : `- gateway RSS under 150 MB with ${devices} devices sending ${fixedRates} readings/s in all: peak ${mib(fixedRss)} MiB ` +
        `(${(fixedRss / 1e6).toFixed(0)} MB): ${verdict(fixedRss < 150_000_000)}. At the maximum rate: ${mib(peakRss)} MiB.`,
  ];
  writeSubsection('Ingest', args.variant as string, body.join('\n'));
  console.log(body.slice(-6).join('\n'));
}

await main();
