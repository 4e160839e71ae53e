/** Row access of the durable queue's `batches` table; the caller runs writes inside its transactions. */
import type Database from 'better-sqlite3';
import type { QueueSize } from './queue-capacity.js';
import {
  DELETE_UP_TO_SQL,
  INSERT_BATCH_SQL,
  OLDEST_SIZES_SQL,
  OLDEST_SQL,
  PAGE_SQL,
  POINTS_AFTER_SQL,
  SIZE_UP_TO_SQL,
  TOTALS_SQL,
} from './queue-sql.js';
import { decodeReading, type QueuedPoint } from './queued-point.js';

/** Encoded points ready to be stored as rows. */
export interface EncodedPoints {
  bodies: string[];
  bytes: number[];
  /** Sum of `bytes`. */
  total_bytes: number;
}

/** Prepared statements over the `batches` table. */
export class QueueStore {
  private readonly insert: Database.Statement;
  private readonly page: Database.Statement;
  private readonly sizeUpTo: Database.Statement;
  private readonly deleteUpToStatement: Database.Statement;
  /** Row id of the newest row. */
  last_id: number;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(INSERT_BATCH_SQL);
    this.page = db.prepare(PAGE_SQL);
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
      const result = this.insert.run(enqueued_ms, bodies.length, bytes, `[${bodies.join(',')}]`);
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
      const decoded = JSON.parse(row.body) as unknown[];
      for (const item of decoded) {
        points.push({ id: row.id, enqueued_ms: row.enqueued_ms, reading: decodeReading(item) });
      }
      if (points.length >= max_points) break;
    }
    return points;
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
