/**
 * Writes readings to InfluxDB 1.x. Lines come from our own serialiser (line-protocol.ts) and are sent
 * in batches by line count and bytes; responses are handled as influx-response.ts classifies them.
 */
import { EventEmitter } from 'node:events';
import type { Reading } from '../reading.js';
import { ensureInfluxDatabase } from './influx-database.js';
import { InfluxHttpClient } from './influx-http.js';
import { classifyWriteResponse, type WriteOutcome } from './influx-response.js';
import { type InfluxTarget, parseInfluxUrl } from './influx-url.js';
import { LineBuffer } from './line-buffer.js';
import { type TimePrecision, toLine } from './line-protocol.js';
import type { Output, OutputStats } from './output.js';
import { InfluxWriteError, LineProtocolError, OutputConfigError } from './output-errors.js';
import { retryDelay } from './retry-backoff.js';

/** Options of `InfluxOutput`. */
export interface InfluxOutputOptions {
  /** `http(s)://[user:password@]host[:port][/prefix]/database`; the port defaults to 8086. */
  url: string;
  /** User for HTTP basic authentication; overrides one in the URL. Default: none. */
  username?: string;
  /** Password for HTTP basic authentication; overrides one in the URL. Default: none. */
  password?: string;
  /** Maximum lines per write request. Default 5000 (the batch size the InfluxDB 1.x docs recommend). */
  batch_size?: number;
  /** Maximum body bytes per write request; a 413 response splits the batch further. Default 1000000. */
  max_batch_bytes?: number;
  /** Interval between writes of a partly filled batch, in milliseconds. Default 1000. */
  flush_interval_ms?: number;
  /** Time to wait for the response to one write request, in milliseconds. Default 10000. */
  timeout_ms?: number;
  /** Maximum points buffered; newer points are dropped and counted beyond it. Default 100000. */
  max_pending?: number;
  /** Timestamp precision of the written lines. Default `ms`. */
  precision?: TimePrecision;
  /** Upper bound of the first retry delay, in milliseconds. Default 500. */
  retry_initial_ms?: number;
  /** Cap on every retry delay, in milliseconds. Default 30000. */
  retry_max_ms?: number;
  /** Time `stop()` keeps retrying before it drops what is left, in milliseconds. Default 10000. */
  stop_timeout_ms?: number;
}

/** `OutputStats` plus the count of single fields left out of written points (null, NaN, ±Infinity...). */
export interface InfluxOutputStats extends OutputStats {
  dropped_fields: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result <= 0) {
    throw new OutputConfigError(
      'OUTPUT_OPTION_INVALID',
      `InfluxDB output option ${name} is ${value}; use a positive integer`,
    );
  }
  return result;
}

/**
 * Buffers readings and writes them to InfluxDB 1.x. Events: `written` (count), `rejected`
 * ({ count, reason }), `write_error` ({ error, attempt }), `dropped` ({ count, reason }). Errors and
 * events never contain the credentials.
 */
export class InfluxOutput extends EventEmitter implements Output {
  private readonly target: InfluxTarget;
  private readonly http: InfluxHttpClient;
  private readonly buffer = new LineBuffer();
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly flushIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private readonly precision: TimePrecision;
  private readonly backoff: { initial_ms: number; max_ms: number };
  private readonly stopTimeoutMs: number;
  private readonly counters = { written: 0, rejected: 0, dropped: 0, write_errors: 0, dropped_fields: 0 };
  private inFlight = 0;
  private started = false;
  private stopped = false;
  private stopDeadline = Number.POSITIVE_INFINITY;
  private databaseReady = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private wakeSleep: (() => void) | undefined;

  constructor(options: InfluxOutputOptions) {
    super();
    this.target = parseInfluxUrl(options.url, options.username, options.password);
    this.batchSize = positiveInteger('batch_size', options.batch_size, 5000);
    this.maxBatchBytes = positiveInteger('max_batch_bytes', options.max_batch_bytes, 1_000_000);
    this.flushIntervalMs = positiveInteger('flush_interval_ms', options.flush_interval_ms, 1000);
    this.timeoutMs = positiveInteger('timeout_ms', options.timeout_ms, 10_000);
    this.maxPending = positiveInteger('max_pending', options.max_pending, 100_000);
    this.precision = options.precision ?? 'ms';
    this.backoff = {
      initial_ms: positiveInteger('retry_initial_ms', options.retry_initial_ms, 500),
      max_ms: positiveInteger('retry_max_ms', options.retry_max_ms, 30_000),
    };
    this.stopTimeoutMs = positiveInteger('stop_timeout_ms', options.stop_timeout_ms, 10_000);
    this.http = new InfluxHttpClient(this.target, this.timeoutMs);
  }

  /**
   * Pings InfluxDB and creates the database when it is missing. An unreachable server is reported as a
   * `write_error` event and does not fail the start: the database is checked again before the first write.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await ensureInfluxDatabase(this.target, this.timeoutMs);
      this.databaseReady = true;
    } catch (error) {
      this.countWriteError(error, 0);
    }
    this.flushTimer = setInterval(() => this.startDrain(), this.flushIntervalMs);
    this.flushTimer.unref();
    this.startDrain();
  }

  write(readings: readonly Reading[]): void {
    if (this.stopped) {
      this.drop(readings.length, 'the InfluxDB output is stopped');
      return;
    }
    let overflow = 0;
    for (const reading of readings) {
      const line = this.serialise(reading);
      if (line === null) continue;
      if (this.buffer.length + this.inFlight >= this.maxPending) {
        overflow += 1;
        continue;
      }
      this.buffer.push(line);
    }
    if (overflow > 0) this.drop(overflow, `InfluxDB output buffer is full (max_pending ${this.maxPending})`);
    if (this.buffer.length >= this.batchSize) this.startDrain();
  }

  async flush(): Promise<void> {
    if (!this.started) return;
    while (this.buffer.length > 0 || this.draining !== undefined) {
      this.startDrain();
      await this.draining;
    }
  }

  /** Flushes, retrying for at most `stop_timeout_ms`, drops and counts what is left, then closes the connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopDeadline = Date.now() + this.stopTimeoutMs;
    clearInterval(this.flushTimer);
    this.wakeSleep?.();
    await this.flush();
    this.http.close();
  }

  stats(): InfluxOutputStats {
    return { ...this.counters, pending: this.buffer.length + this.inFlight };
  }

  /** Serialises one reading, counting what it drops; returns `null` when nothing is left to buffer. */
  private serialise(reading: Reading): string | null {
    try {
      const result = toLine(reading, this.precision);
      this.counters.dropped_fields += result.dropped_fields.length;
      if (result.line !== null) return result.line;
      const fields = result.dropped_fields.map((dropped) => `${dropped.field} (${dropped.reason})`).join(', ');
      this.drop(1, `no valid field left in ${reading.measurement} of device ${reading.tags.device}: ${fields}`);
    } catch (error) {
      if (!(error instanceof LineProtocolError)) throw error;
      this.reject(1, `${error.code}: ${error.message}`);
    }
    return null;
  }

  private startDrain(): void {
    if (!this.started || this.draining !== undefined || this.buffer.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      if (this.stopped && Date.now() >= this.stopDeadline) {
        this.drop(this.buffer.clear(), 'stopped before InfluxDB accepted the points');
        return;
      }
      const batch = this.buffer.take(this.batchSize, this.maxBatchBytes);
      this.inFlight = batch.length;
      await this.sendBatch(batch);
      this.inFlight = 0;
    }
  }

  /** Sends one batch until InfluxDB stores or rejects it, retrying with backoff in between. */
  private async sendBatch(lines: string[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(lines);
      if (outcome.kind === 'too_large') {
        await this.splitAndSend(lines);
        return;
      }
      if (outcome.kind !== 'retry') {
        this.settle(lines.length, outcome);
        return;
      }
      this.countWriteError(outcome.error, attempt);
      if (outcome.database_missing) this.databaseReady = false;
      if (this.stopped && Date.now() >= this.stopDeadline) {
        this.drop(lines.length, 'stopped before InfluxDB accepted the points');
        return;
      }
      await this.sleep(retryDelay(attempt, this.backoff));
    }
  }

  /** Halves a batch that exceeded the server's max-body-size; a single line that does is rejected. */
  private async splitAndSend(lines: string[]): Promise<void> {
    if (lines.length === 1) {
      this.reject(1, `a line of ${Buffer.byteLength(lines[0] ?? '')} bytes exceeds the InfluxDB max-body-size`);
      return;
    }
    const middle = Math.ceil(lines.length / 2);
    await this.sendBatch(lines.slice(0, middle));
    await this.sendBatch(lines.slice(middle));
  }

  private async attempt(lines: string[]): Promise<WriteOutcome> {
    try {
      if (!this.databaseReady) {
        await ensureInfluxDatabase(this.target, this.timeoutMs);
        this.databaseReady = true;
      }
      const response = await this.http.write(lines.join('\n'), this.precision);
      return classifyWriteResponse(response, lines.length, this.target.display_url);
    } catch (error) {
      const writeError =
        error instanceof InfluxWriteError
          ? error
          : new InfluxWriteError('INFLUX_UNREACHABLE', `InfluxDB ${this.target.display_url}: ${String(error)}`);
      return { kind: 'retry', error: writeError, database_missing: false };
    }
  }

  private settle(lineCount: number, outcome: Exclude<WriteOutcome, { kind: 'retry' | 'too_large' }>): void {
    if (outcome.kind === 'written') {
      this.counters.written += lineCount;
      this.emit('written', lineCount);
      return;
    }
    const rejected = outcome.kind === 'partial' ? outcome.rejected : lineCount;
    if (rejected < lineCount) {
      this.counters.written += lineCount - rejected;
      this.emit('written', lineCount - rejected);
    }
    this.reject(rejected, outcome.reason);
  }

  private reject(count: number, reason: string): void {
    this.counters.rejected += count;
    this.emit('rejected', { count, reason });
  }

  private drop(count: number, reason: string): void {
    if (count === 0) return;
    this.counters.dropped += count;
    this.emit('dropped', { count, reason });
  }

  private countWriteError(error: unknown, attempt: number): void {
    this.counters.write_errors += 1;
    this.emit('write_error', { error, attempt });
  }

  /** Waits `ms`, or less when `stop()` wakes the retry loop. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = (): void => done();
      this.wakeSleep = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.wakeSleep = undefined;
    });
  }
}
