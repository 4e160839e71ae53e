/** Row access of the durable queue's `batches` table; the caller runs writes inside its transactions. */
import type Database from 'better-sqlite3';
import type { Reading } from '../reading.js';
import type { QueueSize } from './queue-capacity.js';
import {
  ADD_LINES_COLUMN_SQL,
  BODY_OF_SQL,
  DELETE_UP_TO_SQL,
  INSERT_BATCH_SQL,
  LINE_PAGE_SQL,
  OLDEST_SIZES_SQL,
  OLDEST_SQL,
  PAGE_SQL,
  POINTS_AFTER_SQL,
  SIZE_UP_TO_SQL,
  TOTALS_SQL,
} from './queue-sql.js';
import { decodeRow, encodeReading, type QueuedPoint } from './queued-point.js';

/** Encoded points ready to be stored as rows. */
export interface EncodedPoints {
  readings: Reading[];
  /** JSON of each point; undefined where the point is kept as line protocol only. */
  bodies: (string | undefined)[];
  /** Line protocol of each point, or null where the point has none; empty when the queue has no line encoder. */
  lines: (string | null)[];
  bytes: number[];
  /** Sum of `bytes`. */
  total_bytes: number;
}

/** A row read for the InfluxDB output: its line protocol, or its JSON body when it has none. */
export interface LineRow {
  id: number;
  enqueued_ms: number;
  points: number;
  /** Points as line protocol, one per line; null when the row has none. */
  lines: string | null;
  /** JSON body, present only when `lines` is null. */
  body: string | null;
}

/** Returns the points of row `id` of the queue file open as `db`, decoded from its JSON body; empty when the row is gone. */
export function readingsOfRow(db: Database.Database, id: number): QueuedPoint[] {
  const row = db.prepare(BODY_OF_SQL).get(id) as { body: string } | undefined;
  if (row === undefined) return [];
  return decodeRow(id, 0, row.body);
}

/** Prepared statements over the `batches` table. */
export class QueueStore {
  private readonly insert: Database.Statement;
  private readonly page: Database.Statement;
  private readonly sizeUpTo: Database.Statement;
  private readonly deleteUpToStatement: Database.Statement;
  private readonly linePage: Database.Statement;
  /** Row id of the newest row. */
  last_id: number;

  constructor(private readonly db: Database.Database) {
    const columns = db.prepare('PRAGMA table_info(batches)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'lines')) db.exec(ADD_LINES_COLUMN_SQL);
    this.insert = db.prepare(INSERT_BATCH_SQL);
    this.page = db.prepare(PAGE_SQL);
    this.linePage = db.prepare(LINE_PAGE_SQL);
    this.sizeUpTo = db.prepare(SIZE_UP_TO_SQL);
    this.deleteUpToStatement = db.prepare(DELETE_UP_TO_SQL);
    this.last_id = this.totals().last_id;
  }

  /** Points, bytes and newest row id on disk. */
  totals(): QueueSize & { last_id: number } {
    return this.db.prepare(TOTALS_SQL).get() as QueueSize & { last_id: number };
  }

  /** Stores points as rows of at most `max_points_per_row`; returns the rows written. */
  insertRows(points: EncodedPoints, enqueued_ms: number, max_points_per_row: number): number {
    let rows = 0;
    for (let start = 0; start < points.bodies.length; start += max_points_per_row) {
      const end = Math.min(points.bodies.length, start + max_points_per_row);
      const bodies = points.bodies.slice(start, end);
      const bytes = points.bytes.slice(start, end).reduce((sum, size) => sum + size, 0);
      const lines = points.lines.length === 0 ? [] : points.lines.slice(start, end);
      const lineText = lines.length === bodies.length && !lines.includes(null) ? lines.join('\n') : null;
      // A row with complete lines and no JSON body keeps '[]'; any other row carries every point as JSON.
      const linesOnly = lineText !== null && bodies.every((body) => body === undefined);
      const json = linesOnly
        ? '[]'
        : `[${bodies.map((body, index) => body ?? encodeReading(points.readings[start + index] as Reading)).join(',')}]`;
      const result = this.insert.run(enqueued_ms, bodies.length, bytes, json, lineText);
      this.last_id = Number(result.lastInsertRowid);
      rows += 1;
    }
    return rows;
  }

  /**
   * Returns the points of the rows after `after_id`, oldest first: whole rows until at least
   * `max_points` points (one row at least). Each point carries the id of its row.
   */
  readPage(after_id: number, max_points: number): QueuedPoint[] {
    const points: QueuedPoint[] = [];
    const rows = this.page.iterate(after_id) as Iterable<{ id: number; enqueued_ms: number; body: string }>;
    for (const row of rows) {
      points.push(...decodeRow(row.id, row.enqueued_ms, row.body));
      if (points.length >= max_points) break;
    }
    return points;
  }

  /** Returns the rows after `after_id`, oldest first, until they contain at least `max_points` points (one row at least). */
  readLinePage(after_id: number, max_points: number): LineRow[] {
    const rows: LineRow[] = [];
    let points = 0;
    for (const row of this.linePage.iterate(after_id) as Iterable<LineRow>) {
      rows.push(row);
      points += row.points;
      if (points >= max_points) break;
    }
    return rows;
  }

  /** Returns the points of row `id` decoded from its JSON body; empty when the row is gone. */
  readingsOf(id: number): QueuedPoint[] {
    return readingsOfRow(this.db, id);
  }

  /** Points in the rows after `after_id`. */
  pointsAfter(after_id: number): number {
    return (this.db.prepare(POINTS_AFTER_SQL).get(after_id) as { points: number }).points;
  }

  /** Enqueue time of the oldest row, or undefined when the table is empty. */
  oldestEnqueuedMs(): number | undefined {
    return (this.db.prepare(OLDEST_SQL).get() as { enqueued_ms: number } | undefined)?.enqueued_ms;
  }

  /** Deletes the rows up to `id`; returns the points and bytes deleted. */
  deleteUpTo(id: number): QueueSize {
    const size = this.sizeUpTo.get(id) as QueueSize;
    if (size.points > 0) this.deleteUpToStatement.run(id);
    return size;
  }

  /** Deletes the oldest whole rows until at least `points` points and `bytes` bytes are gone; returns what went. */
  evictOldest(points: number, bytes: number): QueueSize {
    const rows = this.db.prepare(OLDEST_SIZES_SQL).iterate() as Iterable<{ id: number; points: number; bytes: number }>;
    const evicted: QueueSize = { points: 0, bytes: 0 };
    let lastId = 0;
    for (const row of rows) {
      if (evicted.points >= points && evicted.bytes >= bytes) break;
      evicted.points += row.points;
      evicted.bytes += row.bytes;
      lastId = row.id;
    }
    if (lastId > 0) this.deleteUpToStatement.run(lastId);
    return evicted;
  }
}
