/**
 * Runs one coldpool gateway in its own process for the benchmarks, so its RSS and CPU time are its own.
 * The parent sends `{ type: 'start', config, queue }` (a config object as a YAML file would hold it, and
 * durable queue settings); the child
 * replies `started` with the broker URL, then `stats` on every `{ type: 'stats' }`, and stops the gateway
 * on SIGTERM.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { PollTiming } from './poll-timing.js';

/** Counters the child reports. */
export interface GatewayChildStats {
  type: 'stats';
  readings: number;
  payload_errors: number;
  /** Points each output has written, by output name. */
  written: Record<string, number>;
  rss_bytes: number;
  heap_used_bytes: number;
  /** CPU time since the process started, milliseconds. */
  cpu_ms: number;
  /** Polls of Modbus devices since the last `mark`, by arrival relative to the previous poll. */
  polls: { on_time: number; late: number };
  /** Log lines at warn level or above, counted by message. */
  warnings: Record<string, number>;
}

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

/**
 * Sets `PRAGMA synchronous` of the running gateway's queue database, to measure what the fsync per commit
 * costs. It reaches into private fields, so it is a measurement aid only; a changed field name makes it throw.
 */
function setQueueSynchronous(running: Gateway, mode: string): void {
  const outputs = (running as unknown as { outputs?: { queue?: { db?: { pragma(text: string): unknown } } } }).outputs;
  const db = outputs?.queue?.db;
  if (db === undefined) throw new Error('gateway has no outputs.queue.db; update bench/support/gateway-child.ts');
  db.pragma(`synchronous = ${mode}`);
}

async function start(
  config: unknown,
  poll_interval_ms: number,
  queue: Record<string, unknown>,
  queue_synchronous: string | undefined,
): Promise<void> {
  const resolved = validateConfig(config, '<bench>');
  // The config schema has no `outputs.queue` key, so queue settings are set on the parsed object.
  (resolved.config.outputs as { queue?: Record<string, unknown> }).queue = queue;
  gateway = new Gateway(resolved, pino({ level: 'warn' }, logSink));
  const timing = new PollTiming(poll_interval_ms);
  gateway.bus.on('reading', (reading) => timing.record(reading.tags.device ?? '', reading.time_ms));
  await gateway.start();
  if (queue_synchronous !== undefined) setQueueSynchronous(gateway, queue_synchronous);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'mark') timing.reset();
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
      cpu_ms: (cpu.user + cpu.system) / 1000,
      polls: timing.counts(),
      warnings,
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
  poll_interval_ms?: number;
  /** Durable queue settings (`QueueConfig` keys). */
  queue?: Record<string, unknown>;
  /** `PRAGMA synchronous` of the queue database (`FULL`, `NORMAL`, `OFF`); default the queue's own. */
  queue_synchronous?: string;
}

process.once('message', (message: StartMessage) => {
  if (message.type !== 'start') return;
  start(message.config, message.poll_interval_ms ?? 1000, message.queue ?? {}, message.queue_synchronous).catch(
    (error: Error) => {
      process.stderr.write(`gateway start failed: ${error.message}\n`);
      process.exit(1);
    },
  );
});
