/**
 * Modbus benchmark: 1,000 simulated Modbus TCP controllers (4 processes × 250 servers on 127.0.0.1) polled
 * every second by one gateway (a child process, durable queue and local store on, no InfluxDB). Measures
 * the share of polls on time (a reading no later than 1.2 s after the device's previous one, counted
 * against devices × window seconds), poll errors, and the gateway's CPU and RSS. Writes the "## Modbus"
 * section of BENCHMARKS.md.
 *
 * Run: npx tsx bench/modbus.ts [--devices 1000] [--processes 4] [--window-s 30] [--alarms off]
 *   [--queue-sync NORMAL] [--variant NAME]
 * Each --variant gets its own "### NAME" part of the section.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSubsection } from './support/benchmarks-file.js';
import { forkTs, nextMessage, onInterrupt, stopChild } from './support/child.js';
import type { GatewayChildStats } from './support/gateway-child.js';
import { describeMachine } from './support/machine.js';
import { mib } from './support/percentiles.js';
import { UsageSampler } from './support/process-usage.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    processes: { type: 'string', default: '4' },
    'window-s': { type: 'string', default: '30' },
    alarms: { type: 'string', default: 'on' },
    'queue-sync': { type: 'string' },
    variant: { type: 'string', default: 'default configuration' },
  },
});
const devices = Number(args.devices);
const processes = Number(args.processes);
const windowS = Number(args['window-s']);
const here = new URL('.', import.meta.url).pathname;
/** Time the gateway polls before the measured window starts, so every device has connected. */
const WARMUP_S = 10;

function gatewayConfig(ports: number[], dir: string): unknown {
  return {
    site: 'bench',
    log_level: 'warn',
    mqtt: { broker: { enabled: false }, republish: { enabled: false } },
    devices: ports.map((port, index) => ({
      id: `ctrl-${String(index + 1).padStart(4, '0')}`,
      protocol: 'modbus_tcp',
      host: '127.0.0.1',
      port,
      poll_interval_s: 1,
      timeout_ms: 1000,
      profile: 'generic-tenths-c',
    })),
    outputs: { local_store: { path: join(dir, 'store.db') } },
    alarms: { enabled: args.alarms !== 'off' },
  };
}

function commandLine(): string {
  return ['npx tsx bench/modbus.ts', ...process.argv.slice(2)].join(' ');
}

async function stats(gateway: ChildProcess): Promise<GatewayChildStats> {
  gateway.send({ type: 'stats' });
  return nextMessage<GatewayChildStats>(gateway, 'stats', 30_000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-bench-modbus-'));
  const simulators: ChildProcess[] = [];
  let gateway: ChildProcess | undefined;
  try {
    const perProcess = Math.ceil(devices / processes);
    const ports: number[] = [];
    for (let index = 0; index < processes; index++) {
      const child = forkTs(join(here, 'support/modbus-sim-child.ts'));
      simulators.push(child);
      onInterrupt(() => stopChild(child));
      const count = Math.min(perProcess, devices - index * perProcess);
      child.send({ type: 'start', count, first_index: index * perProcess });
    }
    for (const child of simulators) {
      ports.push(...(await nextMessage<{ ports: number[] }>(child, 'started', 60_000)).ports);
    }
    // GATEWAY_NODE_ARGS passes extra node flags to the gateway child, for example `--cpu-prof --cpu-prof-dir=DIR`.
    const nodeArgs = process.env.GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const started = forkTs(join(here, 'support/gateway-child.ts'), [], nodeArgs);
    gateway = started;
    onInterrupt(() => stopChild(started));
    const simUsage = simulators.map((child) => new UsageSampler(child.pid as number));
    gateway.send({
      type: 'start',
      config: gatewayConfig(ports, dir),
      poll_interval_ms: 1000,
      queue_synchronous: args['queue-sync'],
    });
    await nextMessage(gateway, 'started', 60_000);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));
    const usage = new UsageSampler(gateway.pid as number);
    usage.start();
    for (const sampler of simUsage) sampler.start();
    gateway.send({ type: 'mark' });
    let before: GatewayChildStats;
    let after: GatewayChildStats;
    try {
      before = await stats(gateway);
      await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
      after = await stats(gateway);
    } catch (error) {
      // A gateway whose event loop is blocked for long stops replying to stats requests.
      const note = `${devices} devices: ${(error as Error).message}; the gateway's event loop was blocked, so no poll share was measured`;
      console.log(note);
      writeSubsection(
        'Modbus',
        args.variant as string,
        `Command: \`${commandLine()}\`.\n\nNOTE: ${note}. Target not met.`,
      );
      return;
    }
    const peak = usage.stop();
    const simCpu = simUsage.reduce((sum, sampler) => sum + sampler.stop().cpu_cores, 0);
    const expected = devices * windowS;
    const readings = after.readings - before.readings;
    const onTime = after.polls.on_time;
    const share = onTime / expected;
    const lines = [
      `Machine: ${describeMachine()}.`,
      '',
      `Command: \`${commandLine()}\` (run ${new Date().toISOString().slice(0, 10)}).`,
      '',
      `Setup: ${devices} firmware-sim controllers (${processes} processes) each on its own port on 127.0.0.1, one ` +
        'TCP connection per device, profile generic-tenths-c (one read of input registers per poll), poll interval ' +
        `1 s, timeout 1 s. The gateway runs in its own process with the durable queue and the local store on, ` +
        `alarm engine ${args.alarms === 'off' ? 'off' : 'on'}, queue synchronous=${args['queue-sync'] ?? 'FULL'}. ` +
        `Window: ${windowS} s after a ${WARMUP_S} s warm-up. On time: a reading at most 1.2 s after the same ` +
        "device's previous one; the share counts on-time readings against devices × window seconds.",
      '',
      '| devices | expected polls | readings | on time | late | share on time | poll errors | gateway CPU (cores) | gateway peak RSS MiB | simulators CPU (cores) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${devices} | ${expected} | ${readings} | ${onTime} | ${after.polls.late} | ${(share * 100).toFixed(2)}% | ` +
        `${JSON.stringify(after.warnings)} | ${peak.cpu_cores.toFixed(2)} | ${mib(peak.peak_rss_bytes)} | ${simCpu.toFixed(2)} |`,
      '',
      `Target: at least 99% of polls on time with 1,000 devices at 1 s: ${(share * 100).toFixed(2)}%: ${share >= 0.99 ? 'met' : 'not met'}.`,
    ];
    console.log(lines.slice(-4).join('\n'));
    writeSubsection('Modbus', args.variant as string, lines.join('\n'));
  } finally {
    if (gateway !== undefined) await stopChild(gateway);
    await Promise.all(simulators.map((child) => stopChild(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
