/** One phase of the ingest benchmark: a load run against the gateway child, with its measurements. */
import type { ChildProcess } from 'node:child_process';
import { forkTs, nextMessage, stopChild } from './child.js';
import type { GatewayChildStats } from './gateway-child.js';
import type { InfluxProbe } from './influx-probe.js';
import type { LoadResult, LoadSettings } from './load-publisher.js';
import { type CpuShares, cpuShares, readCpuTimes } from './machine-cpu.js';
import { UsageSampler } from './process-usage.js';

/** Name, QoS and target rate (0 = as fast as the broker reads) of a phase. */
export interface IngestPhase {
  name: string;
  qos: 0 | 1;
  rate_per_s: number;
}

/** What one phase measured. */
export interface PhaseResult {
  phase: IngestPhase;
  published_per_s: number;
  /** Points the InfluxDB output wrote per second over the last two thirds of the load. */
  written_per_s: number;
  latencies_ms: number[];
  peak_rss_bytes: number;
  /** Gateway CPU during the load, in cores. */
  gateway_cpu_cores: number;
  publisher_cpu_cores: number;
  /** CPU of influxd during the load, in cores. */
  influxd_cpu_cores: number;
  /** Readings not yet written to InfluxDB after the drain wait. */
  backlog_after_drain: number;
  /** Idle and stolen shares of the machine's CPU during the load. */
  machine_cpu: CpuShares;
}

/** Longest wait for the gateway to write its backlog after the load stops, milliseconds. */
const DRAIN_TIMEOUT_MS = 8000;

interface Snapshot {
  at: number;
  stats: GatewayChildStats;
}

async function snapshot(gateway: ChildProcess): Promise<Snapshot> {
  gateway.send({ type: 'stats' });
  const stats = await nextMessage<GatewayChildStats>(gateway, 'stats', 20_000);
  return { at: Date.now(), stats };
}

function influxWritten(item: Snapshot): number {
  return item.stats.written.influx ?? 0;
}

async function drain(gateway: ChildProcess): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let last = await snapshot(gateway);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await snapshot(gateway);
    const settled = influxWritten(next) === influxWritten(last) && next.stats.readings === last.stats.readings;
    last = next;
    if (settled && influxWritten(next) >= next.stats.readings) break;
  }
  return Math.max(0, last.stats.readings - influxWritten(last));
}

/** Runs the publisher with `load`, samples the gateway every second, then waits for the backlog to drain. */
export async function runPhase(
  phase: IngestPhase,
  gateway: ChildProcess,
  load: LoadSettings,
  probe: InfluxProbe,
  publisherFile: string,
  influxdPid: number,
): Promise<PhaseResult> {
  const usage = new UsageSampler(gateway.pid as number);
  usage.start();
  const influxdUsage = new UsageSampler(influxdPid, 1000);
  influxdUsage.start();
  const cpuBefore = readCpuTimes();
  const first = await snapshot(gateway);
  probe.start();
  const publisher = forkTs(publisherFile);
  publisher.send(load);
  const done = nextMessage<{ result: LoadResult }>(publisher, 'done', (load.duration_s + 30) * 1000);
  const snapshots: Snapshot[] = [first];
  let finished = false;
  const markFinished = (): void => {
    finished = true;
  };
  done.then(markFinished, markFinished);
  while (!finished) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (finished) break;
    const item = await snapshot(gateway);
    snapshots.push(item);
    // BENCH_VERBOSE=1 prints the gateway's counters every second, to see where a backlog builds up.
    if (process.env.BENCH_VERBOSE === '1') {
      console.log(
        `  ${phase.name} +${item.at - first.at} ms readings=${item.stats.readings} ${JSON.stringify(item.stats.written)}`,
      );
    }
  }
  let result: LoadResult;
  try {
    ({ result } = await done);
  } finally {
    // A publisher stuck on a broker that does not answer CONNECT is stopped here.
    await stopChild(publisher, 2000);
  }
  const end = await snapshot(gateway);
  snapshots.push(end);
  const influxdCpu = influxdUsage.stop().cpu_cores;
  const machineCpu = cpuShares(cpuBefore, readCpuTimes());
  const steadyFrom = first.at + (load.duration_s * 1000) / 3;
  const steady = snapshots.find((item) => item.at >= steadyFrom) ?? first;
  const writtenPerS = ((influxWritten(end) - influxWritten(steady)) * 1000) / Math.max(1, end.at - steady.at);
  const latencies = await probe.stop(2000);
  const backlog = await drain(gateway);
  const peak = usage.stop();
  return {
    phase,
    published_per_s: (result.sent * 1000) / result.elapsed_ms,
    written_per_s: writtenPerS,
    latencies_ms: latencies,
    peak_rss_bytes: peak.peak_rss_bytes,
    gateway_cpu_cores: (end.stats.cpu_ms - first.stats.cpu_ms) / Math.max(1, end.at - first.at),
    publisher_cpu_cores: result.cpu_ms / result.elapsed_ms,
    influxd_cpu_cores: influxdCpu,
    backlog_after_drain: backlog,
    machine_cpu: machineCpu,
  };
}
