/**
 * Durable store-and-forward queue in SQLite (better-sqlite3 12, WAL journal, `synchronous=FULL`). A
 * reading counts as received only once the transaction holding it has committed. With FULL, SQLite
 * syncs the WAL file on every commit, so a committed point survives SIGKILL and power loss, and a
 * transaction cut short by either leaves no torn row (SQLite "Write-Ahead Logging" and "PRAGMA
 * synchronous" documentation). Readings arriving within `commit_delay_ms`, or within one turn of the
 * event loop when it is 0, share one commit.
 */
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { Reading } from '../reading.js';
import { type DeadLetterInput, insertDeadLetters } from './dead-letters.js';
import { QueueCapacity } from './queue-capacity.js';
import { type OverflowPolicy, parseQueueConfig, type QueueConfig } from './queue-config.js';
import { QueueError } from './queue-errors.js';
import {
  DELETE_UP_TO_SQL,
  INSERT_POINT_SQL,
  OLDEST_SIZES_SQL,
  OLDEST_SQL,
  PAGE_SQL,
  QUEUE_SCHEMA_SQL,
  SELECT_CURSOR_SQL,
  SIZE_UP_TO_SQL,
  TOTALS_SQL,
  UPSERT_CURSOR_SQL,
} from './queue-sql.js';
import { decodeReading, encodeReading, type QueuedPoint } from './queued-point.js';

/** Options of `DurableQueue`: the queue settings plus the outputs that consume it. */
export interface DurableQueueOptions extends Partial<QueueConfig> {
  /** SQLite database file of the queue, created when missing; `:memory:` keeps it in memory (tests only). */
  path: string;
  /** Names of the outputs that must each acknowledge a point before it is deleted. */
  outputs: readonly string[];
  /** Maximum readings held in memory, unacknowledged, while `block` keeps the queue closed. Default 10000. */
  max_blocked_points?: number;
}

/** Counters since the queue was opened, and its current depth. */
export interface QueueStats {
  /** Points committed to disk. */
  accepted: number;
  /** Points deleted unsent by `drop_oldest`. */
  dropped_oldest: number;
  /** Points discarded on arrival by `drop_newest`. */
  dropped_newest: number;
  /** Points dropped under `block` because they had no acknowledgement to hold back (Modbus polls, for example). */
  dropped_full: number;
  /** Points lost because a commit failed (a full disk, an I/O error). */
  commit_failed: number;
  /** Points on disk, not yet acknowledged by every output. */
  depth_points: number;
  /** Encoded bytes of those points. */
  depth_bytes: number;
  /** Age of the oldest point on disk, in milliseconds; 0 when the queue is empty. */
  oldest_age_ms: number;
  /** True while `block` keeps the queue closed. */
  full: boolean;
}

interface PendingEntry {
  readings: readonly Reading[];
  done: (() => void) | undefined;
}

/**
 * The queue. Events: `committed` (points), `dropped` ({ count, policy, reason }), `full` ({ policy,
 * points, bytes }), `resumed` ({ points, bytes }), `commit_error` (QueueError).
 */
export class DurableQueue extends EventEmitter {
  readonly settings: QueueConfig & { path: string };
  readonly db: Database.Database;
  private readonly outputs: readonly string[];
  private readonly maxBlocked: number;
  private readonly capacity: QueueCapacity;
  private readonly cursors = new Map<string, number>();
  private readonly counters = { accepted: 0, dropped_oldest: 0, dropped_newest: 0, dropped_full: 0, commit_failed: 0 };
  private readonly insert: Database.Statement;
  private pending: PendingEntry[] = [];
  private pendingPoints = 0;
  private blocked: PendingEntry[] = [];
  private blockedPoints = 0;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private full = false;
  private lastId = 0;

  /** Opens or creates the queue file. Throws `QueueError` (`QUEUE_OPEN_FAILED`) when SQLite cannot. */
  constructor(options: DurableQueueOptions) {
    super();
    const { outputs, max_blocked_points, ...config } = options;
    this.settings = { ...parseQueueConfig(config), path: options.path };
    this.outputs = [...outputs];
    this.maxBlocked = max_blocked_points ?? 10_000;
    this.capacity = new QueueCapacity(this.settings.max_queue_points, this.settings.max_queue_bytes);
    try {
      this.db = new Database(this.settings.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(QUEUE_SCHEMA_SQL);
    } catch (error) {
      throw new QueueError(
        'QUEUE_OPEN_FAILED',
        `opening queue file ${this.settings.path} failed: ${(error as Error).message}; check the path and its permissions`,
      );
    }
    this.insert = this.db.prepare(INSERT_POINT_SQL);
    const totals = this.db.prepare(TOTALS_SQL).get() as { points: number; bytes: number };
    this.capacity.add(totals.points, totals.bytes);
    const last = this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM points').get() as { id: number };
    this.lastId = last.id;
    const selectCursor = this.db.prepare(SELECT_CURSOR_SQL);
    for (const output of this.outputs) {
      const row = selectCursor.get(output) as { acked_id: number } | undefined;
      this.cursors.set(output, row?.acked_id ?? 0);
    }
  }

  /**
   * Queues readings for the next group commit. `done` runs once they are on disk, or once the overflow
   * policy or a failed commit has counted them as dropped; under `block` it is held back while the queue
   * is full, so an MQTT message stays unacknowledged until there is room.
   */
  enqueue(readings: readonly Reading[], done?: () => void): void {
    if (!this.db.open) {
      this.counters.commit_failed += readings.length;
      this.emit('dropped', { count: readings.length, policy: 'closed', reason: 'the queue is closed' });
      done?.();
      return;
    }
    this.pending.push({ readings, done });
    this.pendingPoints += readings.length;
    if (this.pendingPoints >= this.settings.commit_max_points) this.commit();
    else this.scheduleCommit();
  }

  /** Runs `callback` once everything enqueued so far has been committed or counted as dropped. */
  afterCommit(callback: () => void): void {
    if (this.pending.length === 0) {
      setImmediate(callback);
      return;
    }
    this.waiters.push(callback);
  }

  /** Commits the pending readings now, in one transaction. */
  commit(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const entries = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.pendingPoints = 0;
    this.waiters = [];
    if (entries.length === 0 && waiters.length === 0) return;
    let settled: PendingEntry[] = [];
    try {
      settled = this.db.transaction(() => this.insertEntries(entries))();
    } catch (error) {
      settled = entries;
      const count = entries.reduce((sum, entry) => sum + entry.readings.length, 0);
      this.counters.commit_failed += count;
      const reason = `committing ${count} points to ${this.settings.path} failed: ${(error as Error).message}`;
      this.emit('commit_error', new QueueError('QUEUE_COMMIT_FAILED', `${reason}; check free disk space`));
      this.emit('dropped', { count, policy: 'commit_failed', reason });
    }
    for (const entry of settled) entry.done?.();
    for (const waiter of waiters) waiter();
  }

  /** Returns up to `limit` points after row id `after_id`, oldest first. */
  readPage(after_id: number, limit: number): QueuedPoint[] {
    const rows = this.db.prepare(PAGE_SQL).all(after_id, limit) as { id: number; enqueued_ms: number; body: string }[];
    return rows.map((row) => ({ id: row.id, enqueued_ms: row.enqueued_ms, reading: decodeReading(row.body) }));
  }

  /** Returns the highest row id `output` acknowledged. */
  cursorOf(output: string): number {
    const cursor = this.cursors.get(output);
    if (cursor === undefined) {
      throw new QueueError('QUEUE_OUTPUT_UNKNOWN', `output ${output} is not registered with the queue`);
    }
    return cursor;
  }

  /** Row id of the newest point committed. */
  get last_id(): number {
    return this.lastId;
  }

  /**
   * Records that `output` is done with every point up to row id `up_to_id`, stores the points its server
   * rejected for good as dead letters, and deletes the points every output is done with, all in one
   * transaction.
   */
  acknowledge(output: string, up_to_id: number, dead_letters: readonly DeadLetterInput[] = []): void {
    if (up_to_id <= this.cursorOf(output)) return;
    this.cursors.set(output, up_to_id);
    const deleteUpTo = Math.min(...this.cursors.values());
    this.db.transaction(() => {
      insertDeadLetters(this.db, output, dead_letters, this.settings.max_dead_letters);
      this.db.prepare(UPSERT_CURSOR_SQL).run(output, up_to_id);
      this.deleteUpTo(deleteUpTo);
    })();
    this.admitBlocked();
  }

  stats(now_ms: number = Date.now()): QueueStats {
    const oldest = this.db.open
      ? (this.db.prepare(OLDEST_SQL).get() as { id: number; enqueued_ms: number } | undefined)
      : undefined;
    return {
      ...this.counters,
      depth_points: this.capacity.size.points,
      depth_bytes: this.capacity.size.bytes,
      oldest_age_ms: oldest === undefined ? 0 : Math.max(0, now_ms - oldest.enqueued_ms),
      full: this.full,
    };
  }

  /** Commits what is pending, then closes the file. Readings still blocked are counted as refused. */
  close(): void {
    if (!this.db.open) return;
    this.commit();
    for (const entry of this.blocked) this.dropFull(entry, 'the queue closed while full');
    this.blocked = [];
    this.blockedPoints = 0;
    this.db.close();
  }

  private scheduleCommit(): void {
    if (this.timer !== undefined || this.immediate !== undefined) return;
    if (this.settings.commit_delay_ms > 0) {
      this.timer = setTimeout(() => this.commit(), this.settings.commit_delay_ms);
      return;
    }
    this.immediate = setImmediate(() => this.commit());
  }

  /** Inserts the entries the overflow policy admits; returns the entries whose `done` may run now. */
  private insertEntries(entries: readonly PendingEntry[]): PendingEntry[] {
    const now = Date.now();
    const settled: PendingEntry[] = [];
    let inserted = 0;
    for (const entry of entries) {
      const bodies = entry.readings.map(encodeReading);
      const bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body, 'utf8'), 0);
      if (!this.admit(entry, bodies.length, bytes)) {
        if (this.blocked.includes(entry)) continue;
        settled.push(entry);
        continue;
      }
      for (const body of bodies) {
        const result = this.insert.run(now, Buffer.byteLength(body, 'utf8'), body);
        this.lastId = Number(result.lastInsertRowid);
      }
      this.capacity.add(bodies.length, bytes);
      this.counters.accepted += bodies.length;
      inserted += bodies.length;
      settled.push(entry);
    }
    if (this.settings.overflow === 'drop_oldest' && this.capacity.over()) this.evictOldest();
    if (this.outputs.length === 0) this.deleteUpTo(this.lastId);
    if (inserted > 0) this.emit('committed', inserted);
    return settled;
  }

  /** Applies the overflow policy to an entry; returns true when it may be inserted. */
  private admit(entry: PendingEntry, points: number, bytes: number): boolean {
    const policy: OverflowPolicy = this.settings.overflow;
    // Under `block`, nothing overtakes readings already held back, so the acceptance order is kept.
    const queueAhead = policy === 'block' && this.blocked.length > 0;
    if (this.capacity.fits(points, bytes) && !queueAhead) return true;
    if (policy === 'drop_oldest') return true;
    if (policy === 'drop_newest') {
      this.counters.dropped_newest += points;
      this.emit('dropped', { count: points, policy, reason: `queue full (${this.capacity.describe()})` });
      return false;
    }
    this.setFull();
    if (entry.done !== undefined && this.blockedPoints + points <= this.maxBlocked) {
      this.blocked.push(entry);
      this.blockedPoints += points;
      return false;
    }
    this.dropFull(entry, `queue full (${this.capacity.describe()})`);
    return false;
  }

  private dropFull(entry: PendingEntry, reason: string): void {
    this.counters.dropped_full += entry.readings.length;
    this.emit('dropped', { count: entry.readings.length, policy: 'block', reason });
  }

  private setFull(): void {
    if (this.full) return;
    this.full = true;
    this.emit('full', { policy: this.settings.overflow, ...this.capacity.size });
  }

  /** Moves readings held back by `block` into the next commit once there is room for them. */
  private admitBlocked(): void {
    if (!this.full) return;
    while (this.blocked.length > 0) {
      const entry = this.blocked[0] as PendingEntry;
      const bytes = entry.readings.reduce((sum, reading) => sum + Buffer.byteLength(encodeReading(reading), 'utf8'), 0);
      if (!this.capacity.fits(this.pendingPoints + entry.readings.length, bytes)) return;
      this.blocked.shift();
      this.blockedPoints -= entry.readings.length;
      this.pending.push(entry);
      this.pendingPoints += entry.readings.length;
      this.scheduleCommit();
    }
    if (!this.capacity.fits(1, 0)) return;
    this.full = false;
    this.emit('resumed', { ...this.capacity.size });
  }

  /** Deletes the oldest rows until the queue is within its limits, counting them as dropped. */
  private evictOldest(): void {
    const excessPoints = this.capacity.size.points - this.settings.max_queue_points;
    const excessBytes = this.capacity.size.bytes - this.settings.max_queue_bytes;
    const rows = this.db.prepare(OLDEST_SIZES_SQL).iterate(this.capacity.size.points) as Iterable<{
      id: number;
      bytes: number;
    }>;
    let points = 0;
    let bytes = 0;
    let lastId = 0;
    for (const row of rows) {
      if (points >= excessPoints && bytes >= excessBytes) break;
      points += 1;
      bytes += row.bytes;
      lastId = row.id;
    }
    if (points === 0) return;
    this.db.prepare(DELETE_UP_TO_SQL).run(lastId);
    this.capacity.remove(points, bytes);
    this.counters.dropped_oldest += points;
    this.emit('dropped', {
      count: points,
      policy: 'drop_oldest',
      reason: `queue full (${this.capacity.describe()}); oldest points deleted unsent`,
    });
  }

  private deleteUpTo(id: number): void {
    const size = this.db.prepare(SIZE_UP_TO_SQL).get(id) as { points: number; bytes: number };
    if (size.points === 0) return;
    this.db.prepare(DELETE_UP_TO_SQL).run(id);
    this.capacity.remove(size.points, size.bytes);
  }
}
