/**
 * Runs one coldpool gateway in its own process for the benchmarks, so its RSS and CPU time are its own.
 * The parent sends `{ type: 'start', config, queue }` (a config object as a YAML file would hold it, and
 * durable queue settings); the child
 * replies `started` with the broker URL, then `stats` on every `{ type: 'stats' }`, and stops the gateway
 * on SIGTERM.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import pino from 'pino';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { type PollCounts, PollTiming } from './poll-timing.js';

/** Counters the child reports. */
export interface GatewayChildStats {
  type: 'stats';
  readings: number;
  payload_errors: number;
  /** Points each output has written, by output name. */
  written: Record<string, number>;
  rss_bytes: number;
  heap_used_bytes: number;
  /** Memory of C++ objects bound to JavaScript objects, such as Buffers (process.memoryUsage().external). */
  external_bytes: number;
  /** CPU time since the process started, milliseconds. */
  cpu_ms: number;
  /** Scheduled polls of Modbus devices since the last `mark`, from their `device_health` counters. */
  polls: PollCounts;
  /** Log lines at warn level or above, counted by message. */
  warnings: Record<string, number>;
  /** Event-loop delay since the last `mark`, in milliseconds (perf_hooks.monitorEventLoopDelay, 10 ms resolution). */
  event_loop_delay_ms: { p50: number; p99: number; max: number };
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

let gateway: Gateway | undefined;
const warnings: Record<string, number> = {};
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) {
      if (line === '') continue;
      const message = (JSON.parse(line) as { msg?: string }).msg ?? '';
      warnings[message] = (warnings[message] ?? 0) + 1;
    }
    done();
  },
});

async function start(config: unknown, queue: Record<string, unknown>): Promise<void> {
  const resolved = validateConfig(config, '<bench>');
  // Queue settings from the parent override the config's `outputs.queue`, defaults included.
  resolved.config.outputs.queue = { ...resolved.config.outputs.queue, ...queue };
  gateway = new Gateway(resolved, pino({ level: 'warn' }, logSink));
  const timing = new PollTiming();
  gateway.bus.on('device_health', (point) => timing.record(point));
  await gateway.start();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'mark') {
      timing.reset();
      loopDelay.reset();
    }
    if (message.type !== 'stats' || gateway === undefined) return;
    const written: Record<string, number> = {};
    for (const entry of gateway.outputStats()) written[entry.name] = entry.stats.written;
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const stats: GatewayChildStats = {
      type: 'stats',
      readings: gateway.stats.readings,
      payload_errors: gateway.stats.payload_errors,
      written,
      rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      external_bytes: memory.external,
      cpu_ms: (cpu.user + cpu.system) / 1000,
      polls: timing.counts(),
      warnings,
      event_loop_delay_ms: {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
    };
    process.send?.(stats);
  });
  process.send?.({ type: 'started', broker_url: gateway.brokerUrl() });
}

// A parent that dies without stopping this process closes the IPC channel.
process.once('disconnect', () => process.exit(1));
process.once('SIGTERM', () => {
  const stopping = gateway?.stop() ?? Promise.resolve();
  stopping.then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`gateway stop failed: ${error.message}\n`);
      process.exit(1);
    },
  );
});

interface StartMessage {
  type: string;
  config: unknown;
  /** Durable queue settings (`QueueConfig` keys). */
  queue?: Record<string, unknown>;
  /** `PRAGMA synchronous` of the queue database (`FULL`, `NORMAL`, `OFF`); default the queue's own. */
}

process.once('message', (message: StartMessage) => {
  if (message.type !== 'start') return;
  start(message.config, message.queue ?? {}).catch((error: Error) => {
    process.stderr.write(`gateway start failed: ${error.message}\n`);
    process.exit(1);
  });
});
