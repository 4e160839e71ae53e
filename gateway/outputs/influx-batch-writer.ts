/**
 * Sends one batch of lines to InfluxDB 1.x until the server stored or rejected every line. A 413
 * halves the batch and a 400 rejects lines for good, so they are never resent. Network errors,
 * timeouts and 5xx responses are retried with capped exponential backoff and full jitter.
 */
import { ensureInfluxDatabase } from './influx-database.js';
import type { InfluxHttpClient } from './influx-http.js';
import type { InfluxSettings } from './influx-options.js';
import { classifyWriteResponse, type WriteOutcome } from './influx-response.js';
import { InfluxWriteError } from './output-errors.js';
import { identifyRejectedLines } from './rejected-lines.js';
import { retryDelay } from './retry-backoff.js';

/** Lines InfluxDB rejected with one reason. `lines` lists those the response identified, up to `count`. */
export interface RejectedLines {
  count: number;
  lines: string[];
  reason: string;
}

/** Outcome of a batch: lines written, rejected and abandoned. */
export interface BatchResult {
  written: number;
  rejected: RejectedLines[];
  /** Lines given up on because `give_up` returned true before the server accepted them. */
  abandoned: string[];
}

/** Hooks of `InfluxBatchWriter`. */
export interface BatchWriterHooks {
  /** Called for every failed attempt before the retry. */
  onWriteError(error: InfluxWriteError, attempt: number): void;
  /** Waits between retries; may resolve early (stop) or reject (abort). */
  sleep(ms: number): Promise<void>;
}

/** Batch sender shared by `InfluxOutput` and the queue's InfluxDB sink. */
export class InfluxBatchWriter {
  /** False until the database is known to exist; a 404 sets it back so the database is created again. */
  database_ready = false;

  constructor(
    private readonly settings: InfluxSettings,
    private readonly http: InfluxHttpClient,
    private readonly hooks: BatchWriterHooks,
  ) {}

  /** Sends `lines`, retrying until settled or until `give_up()` returns true after a failed attempt. */
  async send(lines: readonly string[], give_up: () => boolean): Promise<BatchResult> {
    const result: BatchResult = { written: 0, rejected: [], abandoned: [] };
    await this.sendInto(lines, give_up, result);
    return result;
  }

  private async sendInto(lines: readonly string[], give_up: () => boolean, result: BatchResult): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(lines);
      if (outcome.kind === 'too_large') {
        await this.splitInto(lines, give_up, result);
        return;
      }
      if (outcome.kind !== 'retry') {
        this.settle(lines, outcome, result);
        return;
      }
      this.hooks.onWriteError(outcome.error, attempt);
      if (outcome.database_missing) this.database_ready = false;
      if (give_up()) {
        result.abandoned.push(...lines);
        return;
      }
      await this.hooks.sleep(retryDelay(attempt, this.settings.backoff));
    }
  }

  /** Halves a batch that exceeded the server's max-body-size; a single line that does is rejected. */
  private async splitInto(lines: readonly string[], give_up: () => boolean, result: BatchResult): Promise<void> {
    if (lines.length === 1) {
      const bytes = Buffer.byteLength(lines[0] ?? '');
      result.rejected.push({
        count: 1,
        lines: [...lines],
        reason: `a line of ${bytes} bytes exceeds the InfluxDB max-body-size`,
      });
      return;
    }
    const middle = Math.ceil(lines.length / 2);
    await this.sendInto(lines.slice(0, middle), give_up, result);
    await this.sendInto(lines.slice(middle), give_up, result);
  }

  private settle(
    lines: readonly string[],
    outcome: Exclude<WriteOutcome, { kind: 'retry' | 'too_large' }>,
    result: BatchResult,
  ): void {
    if (outcome.kind === 'written') {
      result.written += lines.length;
      return;
    }
    if (outcome.kind === 'rejected') {
      result.rejected.push({ count: lines.length, lines: [...lines], reason: outcome.reason });
      return;
    }
    const identified = identifyRejectedLines(lines, outcome.reason);
    const count = Math.max(outcome.rejected, identified.length);
    result.written += lines.length - count;
    result.rejected.push({ count, lines: identified, reason: outcome.reason });
  }

  private async attempt(lines: readonly string[]): Promise<WriteOutcome> {
    const target = this.settings.target;
    try {
      if (!this.database_ready) {
        await ensureInfluxDatabase(target, this.settings.timeout_ms);
        this.database_ready = true;
      }
      const response = await this.http.write(lines.join('\n'), this.settings.precision);
      return classifyWriteResponse(response, lines.length, target.display_url, this.settings.credential_settings);
    } catch (error) {
      const writeError =
        error instanceof InfluxWriteError
          ? error
          : new InfluxWriteError('INFLUX_UNREACHABLE', `InfluxDB ${target.display_url}: ${String(error)}`);
      return { kind: 'retry', error: writeError, database_missing: false };
    }
  }
}
