/**
 * Sends one batch of lines to InfluxDB 1.x until the server stored or rejected every line. A 413
 * halves the batch and a 400 rejects lines for good, so they are never resent as they were. A line
 * rejected for a field type conflict is sent again without the conflicting fields. Network errors,
 * timeouts and 5xx responses are retried with capped exponential backoff and full jitter.
 */
import { type FieldTypeConflict, parseFieldTypeConflicts } from './field-type-conflict.js';
import { ensureInfluxDatabase } from './influx-database.js';
import type { InfluxHttpClient } from './influx-http.js';
import type { InfluxSettings } from './influx-options.js';
import { classifyWriteResponse, type WriteOutcome } from './influx-response.js';
import { InfluxWriteError } from './output-errors.js';
import { identifyRejectedLines } from './rejected-lines.js';
import { retryDelay } from './retry-backoff.js';
import { type ConflictRound, withoutConflicts } from './type-conflict-round.js';

/** Lines InfluxDB rejected with one reason. `lines` lists those the response identified, up to `count`. */
export interface RejectedLines {
  count: number;
  lines: string[];
  reason: string;
}

/** A line that InfluxDB stored without the fields it rejected for a field type conflict. */
export interface RemovedFields {
  /** The line as it was first sent. */
  line: string;
  /** The conflict of each removed field, in the order they were removed. */
  conflicts: FieldTypeConflict[];
}

/** Outcome of a batch: lines written, rejected and abandoned. Lines are always reported as first sent. */
export interface BatchResult {
  /** Lines stored, including those in `removed_fields`. */
  written: number;
  rejected: RejectedLines[];
  /** Lines given up on because `give_up` returned true before the server accepted them. */
  abandoned: string[];
  /** Written lines that lost fields to a field type conflict. */
  removed_fields: RemovedFields[];
}

/** State of one `send`: the result, and the lines sent without conflicting fields. */
interface SendState {
  give_up: () => boolean;
  result: BatchResult;
  /** Lines as first sent, by the line sent in their place without conflicting fields. */
  origins: Map<string, string[]>;
  /** Conflicts of the removed fields, by line as first sent. */
  removed: Map<string, FieldTypeConflict[]>;
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
    const result: BatchResult = { written: 0, rejected: [], abandoned: [], removed_fields: [] };
    const state: SendState = { give_up, result, origins: new Map(), removed: new Map() };
    await this.sendInto(lines, state);
    for (const [line, conflicts] of state.removed) result.removed_fields.push({ line, conflicts });
    return result;
  }

  private async sendInto(lines: readonly string[], state: SendState): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(lines);
      if (outcome.kind === 'too_large') {
        await this.splitInto(lines, state);
        return;
      }
      if (outcome.kind === 'partial' && parseFieldTypeConflicts(outcome.reason).length > 0) {
        const round = withoutConflicts(lines, outcome);
        if (round !== undefined) {
          await this.resend(round, state);
          return;
        }
      }
      if (outcome.kind !== 'retry') {
        this.settle(lines, outcome, state);
        return;
      }
      this.hooks.onWriteError(outcome.error, attempt);
      if (outcome.database_missing) this.database_ready = false;
      if (state.give_up()) {
        const abandoned = this.originsOf(lines, state);
        // An abandoned point is not written, so its removed fields are not reported either.
        for (const line of abandoned) state.removed.delete(line);
        state.result.abandoned.push(...abandoned);
        return;
      }
      await this.hooks.sleep(retryDelay(attempt, this.settings.backoff));
    }
  }

  /**
   * Records a conflict round and sends its lines. Every round removes at least one field, so the rounds
   * end after at most as many as the batch has fields.
   */
  private async resend(round: ConflictRound, state: SendState): Promise<void> {
    state.result.written += round.written;
    for (const { line, conflicts } of round.removed) {
      for (const origin of this.originsOf([line], state)) {
        state.removed.set(origin, [...(state.removed.get(origin) ?? []), ...conflicts]);
      }
    }
    for (const { line, sent_as } of round.renamed) {
      state.origins.set(sent_as, [...(state.origins.get(sent_as) ?? []), ...this.originsOf([line], state)]);
    }
    for (const rejected of round.rejected) this.reject(rejected, state);
    if (round.next.length > 0) await this.sendInto(round.next, state);
  }

  /** Halves a batch that exceeded the server's max-body-size; a single line that does is rejected. */
  private async splitInto(lines: readonly string[], state: SendState): Promise<void> {
    if (lines.length === 1) {
      const bytes = Buffer.byteLength(lines[0] ?? '');
      this.reject(
        { count: 1, lines: [...lines], reason: `a line of ${bytes} bytes exceeds the InfluxDB max-body-size` },
        state,
      );
      return;
    }
    const middle = Math.ceil(lines.length / 2);
    await this.sendInto(lines.slice(0, middle), state);
    await this.sendInto(lines.slice(middle), state);
  }

  private settle(
    lines: readonly string[],
    outcome: Exclude<WriteOutcome, { kind: 'retry' | 'too_large' }>,
    state: SendState,
  ): void {
    if (outcome.kind === 'written') {
      state.result.written += lines.length;
      return;
    }
    if (outcome.kind === 'rejected') {
      this.reject({ count: lines.length, lines: [...lines], reason: outcome.reason }, state);
      return;
    }
    const identified = identifyRejectedLines(lines, outcome.reason);
    const count = Math.max(outcome.rejected, identified.length);
    state.result.written += lines.length - count;
    this.reject({ count, lines: identified, reason: outcome.reason }, state);
  }

  /** Records rejected lines as first sent. A rejected point keeps its removed fields, so they are forgotten. */
  private reject(rejected: RejectedLines, state: SendState): void {
    const lines = this.originsOf(rejected.lines, state);
    for (const line of lines) state.removed.delete(line);
    state.result.rejected.push({ ...rejected, lines });
  }

  /** Returns the lines as first sent behind `lines`. */
  private originsOf(lines: readonly string[], state: SendState): string[] {
    return lines.flatMap((line) => state.origins.get(line) ?? [line]);
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
