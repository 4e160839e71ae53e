/**
 * Writes pages of queued points to InfluxDB 1.x. Every line carries the reading's original timestamp,
 * so a page delivered again after a crash or a stop overwrites the same points (same series and
 * timestamp) instead of adding duplicates. Rejected points go back to the queue as dead letters.
 */
import { EventEmitter } from 'node:events';
import type { LineRow } from '../queue/queue-store.js';
import { decodeRow, type QueuedPoint } from '../queue/queued-point.js';
import { abortableSleep, type DeliveryReport, emptyReport, type Sink } from '../queue/sink.js';
import type { Reading } from '../reading.js';
import { InfluxBatchWriter, type RejectedLines } from './influx-batch-writer.js';
import { ensureInfluxDatabase } from './influx-database.js';
import { InfluxHttpClient } from './influx-http.js';
import { droppedFieldsReport, InfluxLineEncoder, lineResult } from './influx-line-encoder.js';
import { type InfluxOutputOptions, type InfluxSettings, resolveInfluxOptions } from './influx-options.js';
import { toLine } from './line-protocol.js';
import { LineProtocolError } from './output-errors.js';
import { countConflicts, removedFieldLetters } from './removed-field-letters.js';

/** Adds `point` to the points that produced `line`. */
function addPoint(page: SerialisedPage, line: string, point: QueuedPoint): void {
  const same = page.pointsByLine.get(line);
  if (same === undefined) page.pointsByLine.set(line, [point]);
  else same.push(point);
}

/** Rows sent as stored line protocol, and how to decode one of them. */
interface StoredLines {
  rows: readonly LineRow[];
  readingsOf: (id: number) => QueuedPoint[];
}

/** A serialised page: the lines in queue order, and the points each line came from. */
interface SerialisedPage {
  lines: string[];
  pointsByLine: Map<string, QueuedPoint[]>;
}

/** Splits lines into batches bounded by line count and by bytes joined with newlines. */
export function chunkLines(lines: readonly string[], max_lines: number, max_bytes: number): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const lineBytes = Buffer.byteLength(line, 'utf8') + (batch.length === 0 ? 0 : 1);
    if (batch.length > 0 && (batch.length >= max_lines || bytes + lineBytes > max_bytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(line);
    bytes += batch.length === 1 ? Buffer.byteLength(line, 'utf8') : lineBytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * InfluxDB sink of the durable queue. Events: `write_error` ({ error, attempt }), `rejected`
 * ({ count, reason }), `fields_dropped` (`DroppedFieldsReport`) for a written line that leaves out fields,
 * `field_type_conflict` (`FieldConflictCount`) for points written without fields that InfluxDB rejected
 * for their type. Those fields become dead letters.
 */
export class InfluxSink extends EventEmitter implements Sink {
  readonly name = 'influx';
  private readonly encoder: InfluxLineEncoder;
  /** Fields left out of readings serialised at send time, which had no stored line. */
  private sendDroppedFields = 0;
  private readonly settings: InfluxSettings;
  private readonly http: InfluxHttpClient;
  private readonly writer: InfluxBatchWriter;
  private signal: AbortSignal | undefined;

  constructor(options: InfluxOutputOptions) {
    super();
    this.settings = resolveInfluxOptions(options);
    this.encoder = new InfluxLineEncoder(this.settings.precision, (report) => this.emit('fields_dropped', report));
    this.http = new InfluxHttpClient(this.settings.target, this.settings.timeout_ms);
    this.writer = new InfluxBatchWriter(this.settings, this.http, {
      onWriteError: (error, attempt) => this.emit('write_error', { error, attempt }),
      sleep: (ms) => abortableSleep(ms, this.signal ?? new AbortController().signal),
    });
  }

  /** Write requests of separate pages sent at once; InfluxDB stores each point by series and time, in any order. */
  get pages_in_flight(): number {
    return this.settings.writes_in_flight;
  }

  /** Creates the database when missing; an unreachable server is reported and retried on the first write. */
  async start(): Promise<void> {
    try {
      await ensureInfluxDatabase(this.settings.target, this.settings.timeout_ms);
      this.writer.database_ready = true;
    } catch (error) {
      this.emit('write_error', { error, attempt: 0 });
    }
  }

  async deliver(points: readonly QueuedPoint[], signal: AbortSignal): Promise<DeliveryReport> {
    const report = emptyReport();
    const page = this.serialise(points, report);
    return this.send(page, report, signal, []);
  }

  /**
   * Sends rows whose line protocol the queue stored at commit time (`encodeLine`), so nothing is decoded
   * or encoded again. Rows without lines are decoded and serialised as in `deliver`.
   */
  async deliverRows(
    rows: readonly LineRow[],
    signal: AbortSignal,
    readingsOf: (id: number) => QueuedPoint[],
  ): Promise<DeliveryReport> {
    const report = emptyReport();
    const fallback: QueuedPoint[] = [];
    const stored: string[] = [];
    const lineRows: LineRow[] = [];
    for (const row of rows) {
      if (row.lines !== null) {
        for (const line of row.lines.split('\n')) stored.push(line);
        lineRows.push(row);
      } else if (row.body !== null) {
        fallback.push(...decodeRow(row.id, row.enqueued_ms, row.body));
      }
    }
    const page = this.serialise(fallback, report);
    page.lines = stored.concat(page.lines);
    const lookup = { rows: lineRows, readingsOf };
    return this.send(page, report, signal, [lookup]);
  }

  /** Encodes a reading as the line this sink writes; null when it has no valid field or an invalid name. */
  encodeLine(reading: Reading): string | null {
    return this.encoder.encode(reading);
  }

  /** Fields left out of written points (null, NaN, ±Infinity...), counted since construction. */
  get dropped_fields(): number {
    return this.encoder.dropped_fields + this.sendDroppedFields;
  }

  async stop(): Promise<void> {
    this.http.close();
  }

  private async send(
    page: SerialisedPage,
    report: DeliveryReport,
    signal: AbortSignal,
    stored: readonly StoredLines[],
  ): Promise<DeliveryReport> {
    this.signal = signal;
    for (const batch of chunkLines(page.lines, this.settings.batch_size, this.settings.max_batch_bytes)) {
      const result = await this.writer.send(batch, () => signal.aborted);
      if (result.abandoned.length > 0) throw signal.reason;
      report.written += result.written;
      for (const rejected of result.rejected) {
        this.findStoredPoints(rejected.lines, page, stored);
        this.recordRejected(rejected, page, report);
      }
      this.findStoredPoints(
        result.removed_fields.map((removed) => removed.line),
        page,
        stored,
      );
      for (const removed of result.removed_fields) {
        report.dead_letters.push(...removedFieldLetters(removed, page.pointsByLine.get(removed.line)));
      }
      for (const conflict of countConflicts(result.removed_fields)) this.emit('field_type_conflict', conflict);
    }
    return report;
  }

  /** Adds the points behind stored lines to `page.pointsByLine`, decoding only the rows that hold them. */
  private findStoredPoints(lines: readonly string[], page: SerialisedPage, stored: readonly StoredLines[]): void {
    const unknown = new Set(lines.filter((line) => !page.pointsByLine.has(line)));
    if (unknown.size === 0) return;
    for (const { rows, readingsOf } of stored) {
      for (const row of rows) {
        if (!row.lines?.split('\n').some((line) => unknown.has(line))) continue;
        for (const point of readingsOf(row.id)) {
          const line = lineResult(point.reading, this.settings.precision)?.line ?? null;
          if (line === null || !unknown.has(line)) continue;
          addPoint(page, line, point);
        }
      }
    }
  }

  /** Serialises the points; readings with no valid field are dropped and invalid names are dead letters. */
  private serialise(points: readonly QueuedPoint[], report: DeliveryReport): SerialisedPage {
    const page: SerialisedPage = { lines: [], pointsByLine: new Map() };
    for (const point of points) {
      const { reading } = point;
      try {
        const result = toLine(reading, this.settings.precision);
        this.sendDroppedFields += result.dropped_fields.length;
        if (result.line === null) {
          const fields = result.dropped_fields.map((dropped) => `${dropped.field} (${dropped.reason})`).join(', ');
          report.dropped.push({ count: 1, reason: `no valid field left in ${reading.measurement}: ${fields}` });
          continue;
        }
        if (result.dropped_fields.length > 0) {
          this.emit('fields_dropped', droppedFieldsReport(reading, result.dropped_fields));
        }
        page.lines.push(result.line);
        addPoint(page, result.line, point);
      } catch (error) {
        if (!(error instanceof LineProtocolError)) throw error;
        const reason = `${error.code}: ${error.message}`;
        report.rejected += 1;
        report.dead_letters.push({ reading, reason });
        this.emit('rejected', { count: 1, reason });
      }
    }
    return page;
  }

  private recordRejected(rejected: RejectedLines, page: SerialisedPage, report: DeliveryReport): void {
    report.rejected += rejected.count;
    this.emit('rejected', { count: rejected.count, reason: rejected.reason });
    for (const line of new Set(rejected.lines)) {
      const points = page.pointsByLine.get(line);
      // A row stored as line protocol only has no reading to show, so its dead letter keeps the line.
      if (points === undefined) report.dead_letters.push({ line, reason: rejected.reason });
      for (const point of points ?? []) {
        report.dead_letters.push({ reading: point.reading, reason: rejected.reason });
      }
    }
  }
}
