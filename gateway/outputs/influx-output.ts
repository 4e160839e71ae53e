/**
 * Writes readings to InfluxDB 1.x. Lines come from our own serialiser (line-protocol.ts) and are sent
 * in batches by line count and bytes; responses are handled as influx-response.ts classifies them.
 */
import { EventEmitter } from 'node:events';
import type { Reading } from '../reading.js';
import { InfluxBatchWriter } from './influx-batch-writer.js';
import { ensureInfluxDatabase } from './influx-database.js';
import { InfluxHttpClient } from './influx-http.js';
import { droppedFieldsReport } from './influx-line-encoder.js';
import { type InfluxOutputOptions, type InfluxSettings, resolveInfluxOptions } from './influx-options.js';
import type { InfluxTarget } from './influx-url.js';
import { LineBuffer } from './line-buffer.js';
import { toLine } from './line-protocol.js';
import type { Output, OutputStats } from './output.js';
import { LineProtocolError } from './output-errors.js';
import { countConflicts } from './removed-field-letters.js';

/** `OutputStats` plus the count of single fields left out of written points (null, NaN, ±Infinity...). */
export interface InfluxOutputStats extends OutputStats {
  dropped_fields: number;
}

/**
 * Buffers readings and writes them to InfluxDB 1.x. Events: `written` (count), `rejected`
 * ({ count, reason }), `write_error` ({ error, attempt }), `dropped` ({ count, reason }),
 * `fields_dropped` (`DroppedFieldsReport`) for a buffered line that leaves out fields,
 * `field_type_conflict` (`FieldConflictCount`) for points written without fields that InfluxDB rejected
 * for their type. Errors and events never contain the credentials.
 */
export class InfluxOutput extends EventEmitter implements Output {
  private readonly settings: InfluxSettings;
  private readonly target: InfluxTarget;
  private readonly http: InfluxHttpClient;
  private readonly writer: InfluxBatchWriter;
  private readonly buffer = new LineBuffer();
  private readonly counters = { written: 0, rejected: 0, dropped: 0, write_errors: 0, dropped_fields: 0 };
  private inFlight = 0;
  private started = false;
  private stopped = false;
  private stopDeadline = Number.POSITIVE_INFINITY;
  private flushTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private wakeSleep: (() => void) | undefined;

  constructor(options: InfluxOutputOptions) {
    super();
    this.settings = resolveInfluxOptions(options);
    this.target = this.settings.target;
    this.http = new InfluxHttpClient(this.target, this.settings.timeout_ms);
    this.writer = new InfluxBatchWriter(this.settings, this.http, {
      onWriteError: (error, attempt) => this.countWriteError(error, attempt),
      sleep: (ms) => this.sleep(ms),
    });
  }

  /**
   * Pings InfluxDB and creates the database when it is missing. An unreachable server is reported as a
   * `write_error` event and does not fail the start: the database is checked again before the first write.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await ensureInfluxDatabase(this.target, this.settings.timeout_ms);
      this.writer.database_ready = true;
    } catch (error) {
      this.countWriteError(error, 0);
    }
    this.flushTimer = setInterval(() => this.startDrain(), this.settings.flush_interval_ms);
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
      if (this.buffer.length + this.inFlight >= this.settings.max_pending) {
        overflow += 1;
        continue;
      }
      this.buffer.push(line);
    }
    if (overflow > 0) this.drop(overflow, `InfluxDB output buffer is full (max_pending ${this.settings.max_pending})`);
    if (this.buffer.length >= this.settings.batch_size) this.startDrain();
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
    this.stopDeadline = Date.now() + this.settings.stop_timeout_ms;
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
      const result = toLine(reading, this.settings.precision);
      this.counters.dropped_fields += result.dropped_fields.length;
      if (result.line !== null) {
        if (result.dropped_fields.length > 0) {
          this.emit('fields_dropped', droppedFieldsReport(reading, result.dropped_fields));
        }
        return result.line;
      }
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
    // drain() catches write failures itself. Only an exception thrown by an event listener reaches this
    // catch, and it is reported as a write error so that it does not become an unhandled rejection.
    this.draining = this.drain()
      .catch((error: unknown) => this.countWriteError(error, 0))
      .finally(() => {
        this.draining = undefined;
      });
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      if (this.stopped && Date.now() >= this.stopDeadline) {
        this.drop(this.buffer.clear(), 'stopped before InfluxDB accepted the points');
        return;
      }
      const batch = this.buffer.take(this.settings.batch_size, this.settings.max_batch_bytes);
      this.inFlight = batch.length;
      try {
        await this.sendBatch(batch);
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** Sends one batch until InfluxDB stores or rejects it, and counts the result. */
  private async sendBatch(lines: string[]): Promise<void> {
    const result = await this.writer.send(lines, () => this.stopped && Date.now() >= this.stopDeadline);
    if (result.written > 0) {
      this.counters.written += result.written;
      this.emit('written', result.written);
    }
    for (const { count, reason } of result.rejected) this.reject(count, reason);
    for (const conflict of countConflicts(result.removed_fields)) this.emit('field_type_conflict', conflict);
    this.drop(result.abandoned.length, 'stopped before InfluxDB accepted the points');
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

export type { InfluxOutputOptions } from './influx-options.js';
