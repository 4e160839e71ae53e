/**
 * Modbus benchmark: 1,000 simulated Modbus TCP controllers (4 processes × 250 servers on 127.0.0.1) polled
 * every second by one gateway (a child process run from dist/, durable queue and local store on, no
 * InfluxDB). Measures the share of poll slots in which each device was read on time, poll errors, the
 * gateway's event-loop delay, CPU and peak RSS, and writes the "## Modbus" section of BENCHMARKS.md.
 *
 * Run: npm run build && npx tsx bench/modbus.ts [--devices 1000] [--processes 4] [--window-s 30]
 *   [--alarms off] [--commit-delay-ms 100] [--variant NAME]
 * Each --variant gets its own "### NAME" part of the section.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { integerOption, parseOrExit } from './support/bench-args.js';
import { writeSubsection } from './support/benchmarks-file.js';
import { forkTs, gatewayNodeArgs, nextMessage, onInterrupt, stopChild } from './support/child.js';
import type { GatewayChildStats } from './support/gateway-child.js';
import { describeMachine } from './support/machine.js';
import { mib } from './support/percentiles.js';
import { UsageSampler } from './support/process-usage.js';

const SCRIPT = 'bench/modbus.ts';
const { values: args } = parseOrExit(SCRIPT, () =>
  parseArgs({
    options: {
      devices: { type: 'string', default: '1000' },
      processes: { type: 'string', default: '4' },
      'window-s': { type: 'string', default: '30' },
      alarms: { type: 'string', default: 'on' },
      'commit-delay-ms': { type: 'string' },
      variant: { type: 'string', default: 'default configuration' },
    },
  }),
);
const devices = integerOption(SCRIPT, 'devices', args.devices, 1);
const processes = integerOption(SCRIPT, 'processes', args.processes, 1);
const windowS = integerOption(SCRIPT, 'window-s', args['window-s'], 1);
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
  const quoted = process.argv.slice(2).map((arg) => (/\s/.test(arg) ? `'${arg}'` : arg));
  return ['npx tsx bench/modbus.ts', ...quoted].join(' ');
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
    const started = forkTs(join(here, 'support/gateway-child.ts'), [], gatewayNodeArgs());
    gateway = started;
    onInterrupt(() => stopChild(started));
    // Peak RSS covers the whole run, the connections at start included. CPU covers the window only.
    const wholeRun = new UsageSampler(started.pid as number);
    wholeRun.start();
    const simUsage = simulators.map((child) => new UsageSampler(child.pid as number));
    const queue = args['commit-delay-ms'] === undefined ? {} : { commit_delay_ms: Number(args['commit-delay-ms']) };
    gateway.send({ type: 'start', config: gatewayConfig(ports, dir), queue });
    await nextMessage(gateway, 'started', 60_000);
    await sleep(WARMUP_S * 1000);
    const usage = new UsageSampler(gateway.pid as number);
    usage.start();
    for (const sampler of simUsage) sampler.start();
    const loadBefore = loadavg()[0] as number;
    gateway.send({ type: 'mark' });
    let after: GatewayChildStats;
    try {
      // A reply shows that the gateway handled the mark before the window starts.
      await stats(gateway);
      await sleep(windowS * 1000);
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
    const window = usage.stop();
    const peakRss = wholeRun.stop().peak_rss_bytes;
    const loadAfter = loadavg()[0] as number;
    const simCpu = simUsage.reduce((sum, sampler) => sum + sampler.stop().cpu_cores, 0);
    const polls = after.polls;
    // The window is timed in the gateway, from the mark to the last stats request. Each device has one slot per second.
    // A device's counters change when a poll ends, so the edges of the window shift its count by up to one poll.
    // Taking the larger of the slots timed and the slots counted keeps that from raising the share.
    const timedSlots = Math.round((devices * polls.elapsed_ms) / 1000);
    const expected = Math.max(timedSlots, polls.on_time + polls.late + polls.failed + polls.skipped);
    const share = polls.on_time / expected;
    const delay = after.event_loop_delay_ms;
    const lines = [
      `Machine: ${describeMachine()}.`,
      '',
      `Command: \`${commandLine()}\` (run ${new Date().toISOString().slice(0, 10)}, after \`npm run build\`).`,
      '',
      `Setup: ${devices} firmware-sim controllers (${processes} processes) each on its own port on 127.0.0.1, one ` +
        'TCP connection per device, profile generic-tenths-c (one read of input registers per poll), poll interval ' +
        `1 s, timeout 1 s. The gateway runs from dist/ in its own process (node flags: ${gatewayNodeArgs().join(' ')}) with the durable queue and the local ` +
        `store on, alarm engine ${args.alarms === 'off' ? 'off' : 'on'}, queue commit_delay_ms=${args['commit-delay-ms'] ?? 'default (0)'}. ` +
        `Window: ${windowS} s after a ${WARMUP_S} s warm-up.`,
      '',
      'On time: each device polls on a fixed grid of 1 s slots. The gateway splits the devices into groups ' +
        'whose first slots are 50 ms apart (gateway/inputs/modbus-input.ts). A poll is on time when it started in its slot and returned a reading before the slot ' +
        'ended, so "on time" means the device was read once in that second. Share = on-time polls / expected ' +
        'polls, where expected is devices × window seconds (the window timed in the gateway) or the slots ' +
        'counted, whichever is larger: a counter changes when a poll ends, so each window edge shifts a ' +
        "device's count by up to one poll. Late: readings returned after their slot ended. Skipped: slots in " +
        'which no poll started (an overrun, a back-off or a late timer). Counts come from the `device_health` ' +
        'counters of each device.',
      '',
      `Load: 1-minute load average ${loadBefore.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end ` +
        'of the window, on 2 shared cores.',
      '',
      '| devices | expected polls | on time | late | failed | skipped slots | share on time | warnings | ' +
        'event-loop delay p99 / max ms | gateway CPU (cores) | gateway peak RSS MiB | simulators CPU (cores) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${devices} | ${expected} | ${polls.on_time} | ${polls.late} | ${polls.failed} | ${polls.skipped} | ` +
        `${(share * 100).toFixed(2)}% | ${JSON.stringify(after.warnings)} | ${delay.p99.toFixed(0)} / ` +
        `${delay.max.toFixed(0)} | ${window.cpu_cores.toFixed(2)} | ${mib(peakRss)} | ${simCpu.toFixed(2)} |`,
      '',
      `Target: at least 99% of polls on time with 1,000 devices at 1 s: ${(share * 100).toFixed(2)}%: ` +
        `${share >= 0.99 ? 'met' : 'not met'}.`,
    ];
    console.log(lines.slice(-6).join('\n'));
    console.log(
      `heap used ${mib(after.heap_used_bytes)} MiB, external ${mib(after.external_bytes)} MiB, rss ${mib(after.rss_bytes)} MiB`,
    );
    writeSubsection('Modbus', args.variant as string, lines.join('\n'));
  } finally {
    if (gateway !== undefined) await stopChild(gateway);
    await Promise.all(simulators.map((child) => stopChild(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
