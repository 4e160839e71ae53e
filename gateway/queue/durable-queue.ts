/**
 * Durable store-and-forward queue in SQLite (better-sqlite3 12, WAL journal). A reading counts as
 * received only once the transaction containing it has committed and the WAL file has been synced to
 * disk (`WalSync`, an fsync in the thread pool). A received point therefore survives SIGKILL and power
 * loss, and a transaction cut short by either leaves no torn row (SQLite "Write-Ahead Logging" documentation).
 * Readings arriving within `commit_delay_ms`, or within one turn of the event loop when it is 0, share
 * one commit and one row; commits made while an fsync runs share the next fsync.
 */
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { Reading } from '../reading.js';
import { openOwnerOnlyDatabase } from '../security/owner-only-file.js';
import { type DeadLetterInput, insertDeadLetters } from './dead-letters.js';
import { QueueCapacity } from './queue-capacity.js';
import { parseQueueConfig, type QueueConfig } from './queue-config.js';
import { QueueError } from './queue-errors.js';
import { QueueLock } from './queue-lock.js';
import {
  DELETE_CURSOR_SQL,
  DELETE_RECEIVE_CLOCK_SQL,
  QUEUE_SCHEMA_SQL,
  REGISTER_CURSOR_SQL,
  SELECT_CURSOR_SQL,
  SELECT_CURSORS_SQL,
  SELECT_RECEIVE_CLOCK_SQL,
  UPSERT_CURSOR_SQL,
  UPSERT_RECEIVE_CLOCK_SQL,
} from './queue-sql.js';
import { type EncodedPoints, type LineRow, QueueStore } from './queue-store.js';
import type { DurableQueueOptions, PendingEntry, QueueStats, RemovedOutput } from './queue-types.js';
import { encodeReading, type QueuedPoint } from './queued-point.js';
import { WalSync } from './wal-sync.js';

/** Wait before a failed commit is tried again, in milliseconds. */
const COMMIT_RETRY_MS = 1000;

/**
 * The queue. Events: `committed` (points), `dropped` ({ count, policy, reason }), `full` ({ policy,
 * points, bytes }), `resumed` ({ points, bytes }), `commit_error` (QueueError), `commit_recovered`
 * ({ points }) after a failed commit.
 */
export class DurableQueue extends EventEmitter {
  readonly settings: QueueConfig & { path: string };
  readonly db: Database.Database;
  private readonly store: QueueStore;
  private readonly walSync: WalSync;
  private readonly outputs: readonly string[];
  private readonly maxBlocked: number;
  private readonly lineEncoder: ((reading: Reading) => string | null) | undefined;
  private readonly keepReadings: boolean;
  private readonly capacity: QueueCapacity;
  private readonly lock: QueueLock;
  /**
   * `insertEntries` in one transaction, made once. An arrow made in `commit` would share its scope with the
   * callbacks that wait for the fsync, and so keep every committed reading alive until the sync.
   */
  private readonly insertTransaction: (entries: readonly PendingEntry[]) => PendingEntry[];
  private readonly cursors = new Map<string, number>();
  /** Outputs that had a cursor in the file but are not configured now, found at open. */
  readonly removedOutputs: readonly RemovedOutput[];
  private readonly counters = { accepted: 0, dropped_oldest: 0, dropped_newest: 0, dropped_full: 0, commit_failed: 0 };
  private pending: PendingEntry[] = [];
  private pendingPoints = 0;
  private blocked: PendingEntry[] = [];
  private blockedPoints = 0;
  private waiters: (() => void)[] = [];
  /** Callbacks of `afterInsert`, run after the next commit's transaction. */
  private insertWaiters: (() => void)[] = [];
  /**
   * Callbacks of `afterCommit` and `afterInsert` that came after readings now held in memory (`blocked`).
   * They run once those readings are committed, so a message is not acknowledged before its readings.
   */
  private blockedWaiters: { waiters: (() => void)[]; insertWaiters: (() => void)[] } = {
    waiters: [],
    insertWaiters: [],
  };
  /** Timer that retries the commit of readings held after a failed commit. */
  private retryTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private full = false;
  /** True from a failed commit until a commit succeeds again. */
  private commitFailing = false;
  /** True while `close` commits the last readings, which then pass the queue's bounds. */
  private closing = false;
  /** Newest time of a committed reading stamped with its receive time, as the file records it. */
  private newestReceiveMs = 0;

  /**
   * Locks and opens the queue file, creating it when missing. Throws `QueueError`: `QUEUE_LOCKED` when another
   * running process has it open, `QUEUE_OPEN_FAILED` when SQLite cannot open it.
   */
  constructor(options: DurableQueueOptions) {
    super();
    const { outputs, max_blocked_points, line_encoder, keep_readings, path_setting, ...config } = options;
    this.lineEncoder = line_encoder;
    this.keepReadings = keep_readings ?? true;
    this.settings = { ...parseQueueConfig(config), path: options.path };
    this.outputs = [...outputs];
    this.maxBlocked = max_blocked_points ?? 10_000;
    this.capacity = new QueueCapacity(this.settings.max_queue_points, this.settings.max_queue_bytes);
    this.lock = new QueueLock(this.settings.path, path_setting);
    this.lock.acquire();
    try {
      this.db = openOwnerOnlyDatabase(this.settings.path);
      this.db.pragma('journal_mode = WAL');
      // NORMAL writes a commit's frames without an fsync; WalSync makes them durable off the event loop.
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(QUEUE_SCHEMA_SQL);
    } catch (error) {
      this.lock.release();
      throw new QueueError(
        'QUEUE_OPEN_FAILED',
        `opening queue file ${this.settings.path} failed: ${(error as Error).message}; check the path and its permissions`,
      );
    }
    this.store = new QueueStore(this.db);
    this.insertTransaction = this.db.transaction((entries: readonly PendingEntry[]) => this.insertEntries(entries));
    this.walSync = new WalSync(this.settings.path, (error) =>
      this.emit(
        'commit_error',
        new QueueError(
          'QUEUE_SYNC_FAILED',
          `syncing ${this.settings.path}-wal to disk failed: ${error.message}; the points stay queued but a power cut may lose them; check the disk`,
        ),
      ),
    );
    const totals = this.store.totals();
    this.capacity.add(totals.points, totals.bytes);
    this.newestReceiveMs = this.storedReceiveMs();
    const selectCursor = this.db.prepare(SELECT_CURSOR_SQL);
    for (const output of this.outputs) {
      const row = selectCursor.get(output) as { acked_id: number } | undefined;
      this.cursors.set(output, row?.acked_id ?? 0);
    }
    this.removedOutputs = this.registerOutputs();
  }

  /**
   * Stores a cursor for each configured output that has none, and deletes the cursors of outputs no
   * longer configured. Returns those outputs with the points they had not acknowledged. No output reads
   * these points any more, so they are deleted once the configured outputs have acknowledged them.
   */
  private registerOutputs(): RemovedOutput[] {
    const configured = new Set(this.outputs);
    const stored = this.db.prepare(SELECT_CURSORS_SQL).all() as { output: string; acked_id: number }[];
    const removed = stored
      .filter((cursor) => !configured.has(cursor.output))
      .map((cursor) => ({ output: cursor.output, unacknowledged_points: this.store.pointsAfter(cursor.acked_id) }));
    const register = this.db.prepare(REGISTER_CURSOR_SQL);
    const forget = this.db.prepare(DELETE_CURSOR_SQL);
    this.db.transaction(() => {
      for (const output of this.outputs) register.run(output);
      for (const { output } of removed) forget.run(output);
    })();
    return removed;
  }

  /**
   * Queues readings for the next group commit. `done` runs once they are synced to disk, or once the overflow
   * policy or a failed commit has counted them as dropped. Under `block` it is held back while the queue
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

  /** Runs `callback` once everything enqueued so far is synced to disk or counted as dropped. */
  afterCommit(callback: () => void): void {
    if (this.blocked.length > 0) this.blockedWaiters.waiters.push(callback);
    else if (this.pending.length > 0) this.waiters.push(callback);
    else if (this.walSync.busy) this.walSync.afterSync(callback);
    else setImmediate(callback);
  }

  /** Process id of the exited gateway whose lock this queue took over at open, if any. */
  get lock_taken_over_from(): number | undefined {
    return this.lock.takenOver?.pid;
  }

  /**
   * Runs `callback` once everything enqueued so far is committed (or counted as dropped), without waiting
   * for the sync that makes it survive a power cut. A committed point already survives a crash of the process.
   * Once `insert_commit_points` readings are pending, the commit runs at once and so does `callback`.
   */
  afterInsert(callback: () => void): void {
    if (this.blocked.length > 0) {
      this.blockedWaiters.insertWaiters.push(callback);
      return;
    }
    if (this.pending.length === 0) {
      setImmediate(callback);
      return;
    }
    this.insertWaiters.push(callback);
    if (this.pendingPoints >= this.settings.insert_commit_points) this.commit();
  }

  /** Commits the pending readings now, in one transaction; their callbacks run once the commit is synced. */
  commit(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const entries = this.pending;
    const waiters = this.waiters;
    const insertWaiters = this.insertWaiters;
    this.pending = [];
    this.pendingPoints = 0;
    this.waiters = [];
    this.insertWaiters = [];
    if (entries.length === 0 && waiters.length === 0 && insertWaiters.length === 0) return;
    let settled: PendingEntry[] = [];
    try {
      settled = this.insertTransaction(entries);
    } catch (error) {
      this.commitFailing = true;
      this.holdFailed(entries, error as Error);
      this.holdWaiters(waiters, insertWaiters);
      return;
    }
    if (this.commitFailing && settled.length > 0) {
      this.commitFailing = false;
      this.emit('commit_recovered', { points: this.capacity.size.points });
    }
    // Callbacks that came after readings now held in memory wait for them.
    const holding = this.blocked.length > 0;
    if (holding) this.holdWaiters(waiters, insertWaiters);
    else for (const waiter of insertWaiters) waiter();
    // Only the callbacks wait for the sync: the readings are on disk and can be collected meanwhile.
    const callbacks: (() => void)[] = [];
    for (const entry of settled) if (entry.done !== undefined) callbacks.push(entry.done);
    if (!holding) callbacks.push(...waiters);
    this.walSync.afterSync(() => {
      for (const callback of callbacks) callback();
    });
  }

  /** Keeps callbacks until the readings held in memory before them are committed. */
  private holdWaiters(waiters: readonly (() => void)[], insertWaiters: readonly (() => void)[]): void {
    this.blockedWaiters.waiters.push(...waiters);
    this.blockedWaiters.insertWaiters.push(...insertWaiters);
  }

  /**
   * Keeps the readings of a failed commit (a full disk, an I/O error) in memory, up to the bound of held
   * readings, and retries them every second. Readings beyond the bound are counted as `commit_failed`.
   */
  private holdFailed(entries: readonly PendingEntry[], error: Error): void {
    this.resyncCapacity();
    this.newestReceiveMs = this.storedReceiveMs();
    const failed = entries.filter((entry) => !this.blocked.includes(entry));
    const retried: PendingEntry[] = [];
    let retriedPoints = 0;
    let lost = 0;
    for (const entry of failed) {
      if (this.blockedPoints + retriedPoints + entry.readings.length <= this.maxBlocked) {
        retried.push(entry);
        retriedPoints += entry.readings.length;
        continue;
      }
      lost += entry.readings.length;
      entry.done?.();
    }
    this.blocked.unshift(...retried);
    this.blockedPoints += retriedPoints;

    const detail =
      `committing ${failed.reduce((total, entry) => total + entry.readings.length, 0)} points to ` +
      `${this.settings.path} failed: ${error.message}`;
    this.emit(
      'commit_error',
      new QueueError(
        'QUEUE_COMMIT_FAILED',
        `${detail}; ${this.blockedPoints} points wait in memory and the commit is retried every ${COMMIT_RETRY_MS / 1000} s; check free disk space`,
      ),
    );

    if (lost > 0) {
      this.counters.commit_failed += lost;
      this.emit('dropped', {
        count: lost,
        policy: 'commit_failed',
        reason: `${detail}, and more than ${this.maxBlocked} points wait in memory`,
      });
    }
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      this.admitBlocked();
    }, COMMIT_RETRY_MS);
  }

  /**
   * Returns the points after row id `after_id`, oldest first, in whole rows until at least `max_points`.
   * Every point carries the id of its row, which is what `acknowledge` takes.
   */
  readPage(after_id: number, max_points: number): QueuedPoint[] {
    return this.store.readPage(after_id, max_points);
  }

  /** Returns the rows after row id `after_id` for the InfluxDB output, oldest first (`QueueStore.readLinePage`). */
  readLinePage(after_id: number, max_points: number): LineRow[] {
    return this.store.readLinePage(after_id, max_points);
  }

  /** Returns the points of row `id`, decoded; used to name the readings behind lines a server rejected. */
  readingsOf(id: number): QueuedPoint[] {
    return this.store.readingsOf(id);
  }

  /** True when rows carry line protocol (a `line_encoder` was given). */
  get has_lines(): boolean {
    return this.lineEncoder !== undefined;
  }

  /** Returns the highest row id `output` acknowledged. */
  cursorOf(output: string): number {
    const cursor = this.cursors.get(output);
    if (cursor === undefined) {
      throw new QueueError('QUEUE_OUTPUT_UNKNOWN', `output ${output} is not registered with the queue`);
    }
    return cursor;
  }

  /** Row id of the newest row committed. */
  get last_id(): number {
    return this.store.last_id;
  }

  /** Points `output` has not acknowledged yet. */
  pendingFor(output: string): number {
    return this.db.open ? this.store.pointsAfter(this.cursorOf(output)) : 0;
  }

  /**
   * Records that `output` is done with every row up to `up_to_id`, stores the points its server
   * rejected for good as dead letters, and deletes the rows every output is done with, all in one
   * transaction.
   */
  acknowledge(output: string, up_to_id: number, dead_letters: readonly DeadLetterInput[] = []): void {
    if (up_to_id <= this.cursorOf(output)) return;
    this.cursors.set(output, up_to_id);
    const deleteUpTo = Math.min(...this.cursors.values());
    try {
      this.db.transaction(() => {
        insertDeadLetters(this.db, output, dead_letters, this.settings.max_dead_letters);
        this.db.prepare(UPSERT_CURSOR_SQL).run(output, up_to_id);
        this.deleteUpTo(deleteUpTo);
      })();
    } catch (error) {
      // A full disk fails even the deletes. The output goes on from its cursor in memory; after a restart
      // it sends these rows again, which InfluxDB stores as overwrites.
      this.resyncCapacity();
      this.emit(
        'commit_error',
        new QueueError(
          'QUEUE_ACK_FAILED',
          `recording that ${output} delivered rows up to ${up_to_id} in ${this.settings.path} failed: ${(error as Error).message}; ` +
            `the next delivery that is recorded covers them, and a restart before then sends them again, which overwrites the same points${dead_letters.length > 0 ? `, and ${dead_letters.length} rejected points were not kept as dead letters` : ''}; check free disk space`,
        ),
      );
      return;
    }
    this.admitBlocked();
  }

  /** Sets the in-memory size back to what the file holds, after a transaction that changed it failed. */
  private resyncCapacity(): void {
    const totals = this.store.totals();
    this.capacity.set(totals.points, totals.bytes);
  }

  stats(now_ms: number = Date.now()): QueueStats {
    const oldest = this.db.open ? this.store.oldestEnqueuedMs() : undefined;
    return {
      ...this.counters,
      depth_points: this.capacity.size.points,
      depth_bytes: this.capacity.size.bytes,
      oldest_age_ms: oldest === undefined ? 0 : Math.max(0, now_ms - oldest),
      full: this.full,
    };
  }

  /**
   * Commits what is pending and syncs it, then closes the file. Readings held in memory for room are
   * committed too, beyond `max_queue_points` and `max_queue_bytes` (by at most `max_blocked_points`), so a
   * stop loses none of them, and the callbacks that waited for them run. Readings whose commit fails even
   * then are counted as dropped, and their callbacks never run, so their MQTT messages stay unacknowledged.
   * Returns the counters and depth after that last commit. On a closed queue it returns them again, with
   * `oldest_age_ms` 0.
   */
  close(): QueueStats {
    if (!this.db.open) return this.stats();
    this.closing = true;
    this.pending = [...this.blocked, ...this.pending];
    this.pendingPoints += this.blockedPoints;
    this.blocked = [];
    this.blockedPoints = 0;
    this.waiters.push(...this.blockedWaiters.waiters);
    this.insertWaiters.push(...this.blockedWaiters.insertWaiters);
    this.blockedWaiters = { waiters: [], insertWaiters: [] };
    this.commit();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.walSync.close();
    for (const entry of this.blocked) this.dropFull(entry, 'the queue closed while its commits failed');
    this.blocked = [];
    this.blockedPoints = 0;
    const stats = this.stats();
    this.db.close();
    this.lock.release();
    return stats;
  }

  private scheduleCommit(): void {
    if (this.timer !== undefined || this.immediate !== undefined) return;
    if (this.settings.commit_delay_ms > 0) {
      this.timer = setTimeout(() => this.commit(), this.settings.commit_delay_ms);
      return;
    }
    this.immediate = setImmediate(() => this.commit());
  }

  /** Inserts the entries the overflow policy admits as rows; returns the entries whose `done` may run now. */
  private insertEntries(entries: readonly PendingEntry[]): PendingEntry[] {
    const settled: PendingEntry[] = [];
    const admitted: EncodedPoints = { readings: [], bodies: [], lines: [], bytes: [], total_bytes: 0 };
    for (const entry of entries) {
      // The entry's points are appended first and cut off again when the policy does not admit them, so
      // a message of one reading allocates no arrays of its own.
      const start = admitted.bodies.length;
      const admittedBytes = admitted.total_bytes;
      const entryBytes = this.appendEncoded(entry.readings, admitted);
      if (this.admit(entry, entry.readings.length, entryBytes, start, admittedBytes)) {
        admitted.total_bytes += entryBytes;
        settled.push(entry);
        continue;
      }
      admitted.readings.length = start;
      admitted.bodies.length = start;
      if (this.lineEncoder !== undefined) admitted.lines.length = start;
      admitted.bytes.length = start;
      if (!this.blocked.includes(entry)) settled.push(entry);
    }
    if (this.settings.overflow === 'drop_oldest') this.trimAdmitted(admitted);
    if (admitted.bodies.length > 0) {
      const now_ms = Date.now();
      this.store.insertRows(admitted, now_ms, this.settings.commit_max_points);
      this.recordReceiveTimes(admitted.readings, now_ms);
      this.capacity.add(admitted.bodies.length, admitted.total_bytes);
      this.counters.accepted += admitted.bodies.length;
    }
    if (this.outputs.length === 0) this.deleteUpTo(this.store.last_id);
    if (admitted.bodies.length > 0) this.emit('committed', admitted.bodies.length);
    return settled;
  }

  private storedReceiveMs(): number {
    const clock = this.db.prepare(SELECT_RECEIVE_CLOCK_SQL).get() as { newest_ms: number } | undefined;
    return clock?.newest_ms ?? 0;
  }

  /**
   * Stores the newest receive time among `readings` when it is later than the one on file. Only times of
   * source `receive` count, because only they come from this gateway's clock. A time ahead of the wall
   * clock `now_ms` (a series made unique during a burst) is capped at `now_ms` rather than ignored,
   * because the next run must still start after the wall clock. A stored lead would instead make every
   * series of the next run start ahead of the clock, stamped 1 ms apart until the clock caught up.
   */
  private recordReceiveTimes(readings: readonly Reading[], now_ms: number): void {
    let newest = this.newestReceiveMs;
    for (const reading of readings) {
      if (reading.time_source !== 'receive') continue;
      // NOTE: a series that ran ahead of the clock can, after a restart quicker than its lead, get a time
      // it already has, and InfluxDB then merges the two points into one.
      const time = Math.min(reading.time_ms, now_ms);
      if (time > newest) newest = time;
    }
    if (newest === this.newestReceiveMs) return;
    this.db.prepare(UPSERT_RECEIVE_CLOCK_SQL).run(newest);
    this.newestReceiveMs = newest;
  }

  /**
   * Newest time given to a committed reading stamped at receive time, at most the wall clock of its
   * commit. Receive times are made unique per series by running ahead of the clock, so a restarted gateway
   * starts its receive times after it.
   */
  get newest_receive_ms(): number {
    return this.newestReceiveMs;
  }

  /** Deletes the stored receive clock, so that the next commits record it again from 0. */
  resetReceiveClock(): void {
    this.db.prepare(DELETE_RECEIVE_CLOCK_SQL).run();
    this.newestReceiveMs = 0;
  }

  /**
   * Appends the JSON body, line and size of each reading to `into` and returns their bytes, leaving
   * `total_bytes` to the caller. When every line is complete and no output needs the readings, the points
   * are kept as lines only.
   */
  private appendEncoded(readings: readonly Reading[], into: EncodedPoints): number {
    const encoder = this.lineEncoder;
    const lineStart = into.lines.length;
    let linesOnly = !this.keepReadings && encoder !== undefined;
    if (encoder !== undefined) {
      for (const reading of readings) {
        const line = encoder(reading);
        if (line === null) linesOnly = false;
        into.lines.push(line);
      }
    }
    let total = 0;
    for (let index = 0; index < readings.length; index += 1) {
      const reading = readings[index] as Reading;
      const body = linesOnly ? undefined : encodeReading(reading);
      const text = linesOnly ? (into.lines[lineStart + index] as string) : (body as string);
      const bytes = Buffer.byteLength(text, 'utf8');
      into.readings.push(reading);
      into.bodies.push(body);
      into.bytes.push(bytes);
      total += bytes;
    }
    return total;
  }

  /**
   * Applies the overflow policy to an entry, given the points and bytes this commit admitted before it;
   * true when it may be inserted.
   */
  private admit(
    entry: PendingEntry,
    points: number,
    bytes: number,
    admittedPoints: number,
    admittedBytes: number,
  ): boolean {
    if (this.closing) return true;
    const policy = this.settings.overflow;
    if (policy === 'drop_oldest') {
      const excessPoints = this.capacity.size.points + admittedPoints + points - this.settings.max_queue_points;
      const excessBytes = this.capacity.size.bytes + admittedBytes + bytes - this.settings.max_queue_bytes;
      if (excessPoints > 0 || excessBytes > 0) this.evictOldest(excessPoints, excessBytes);
      return true;
    }
    // Under `block`, nothing overtakes readings already held back, so the acceptance order is kept.
    const queueAhead = policy === 'block' && this.blocked.length > 0;
    const fits = this.capacity.fits(admittedPoints + points, admittedBytes + bytes);
    if (fits && !queueAhead) return true;
    if (policy === 'drop_newest') {
      this.counters.dropped_newest += points;
      this.emit('dropped', { count: points, policy, reason: `queue full (${this.capacity.describe()})` });
      return false;
    }
    // Readings held after a failed commit are ahead of this one while the queue itself has room.
    if (!fits) this.setFull();
    if (this.blockedPoints + points <= this.maxBlocked) {
      this.blocked.push(entry);
      this.blockedPoints += points;
      return false;
    }
    this.dropFull(entry, `queue full (${this.capacity.describe()})`);
    return false;
  }

  /** Deletes the oldest rows on disk to make room for `points` and `bytes`, counting them as dropped. */
  private evictOldest(points: number, bytes: number): void {
    const evicted = this.store.evictOldest(Math.max(0, points), Math.max(0, bytes));
    if (evicted.points === 0) return;
    this.capacity.remove(evicted.points, evicted.bytes);
    this.countDroppedOldest(evicted.points, 'oldest points deleted unsent');
  }

  /** Drops the oldest points of this commit when the disk has nothing older left to delete. */
  private trimAdmitted(admitted: EncodedPoints): void {
    let dropped = 0;
    while (admitted.bodies.length > 0 && !this.capacity.fits(admitted.bodies.length, admitted.total_bytes)) {
      admitted.readings.shift();
      admitted.bodies.shift();
      admitted.lines.shift();
      admitted.total_bytes -= admitted.bytes.shift() ?? 0;
      dropped += 1;
    }
    if (dropped > 0) this.countDroppedOldest(dropped, 'more new points than the queue can contain');
  }

  private countDroppedOldest(count: number, detail: string): void {
    this.counters.dropped_oldest += count;
    this.emit('dropped', {
      count,
      policy: 'drop_oldest',
      reason: `queue full (${this.capacity.describe()}); ${detail}`,
    });
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

  /**
   * Moves readings held in memory (by `block`, or after a failed commit) into the next commit while there
   * is room for them. Once none is left, the callbacks that waited for them run after that commit.
   */
  private admitBlocked(): void {
    if (!this.db.open) return;
    while (this.blocked.length > 0) {
      const entry = this.blocked[0] as PendingEntry;
      const bytes = sum(entry.readings.map((reading) => Buffer.byteLength(encodeReading(reading), 'utf8')));
      if (!this.capacity.fits(this.pendingPoints + entry.readings.length, bytes)) return;
      this.blocked.shift();
      this.blockedPoints -= entry.readings.length;
      this.pending.push(entry);
      this.pendingPoints += entry.readings.length;
      this.scheduleCommit();
    }
    const { waiters, insertWaiters } = this.blockedWaiters;
    if (waiters.length > 0 || insertWaiters.length > 0) {
      this.blockedWaiters = { waiters: [], insertWaiters: [] };
      this.waiters.push(...waiters);
      this.insertWaiters.push(...insertWaiters);
      this.scheduleCommit();
    }
    if (!this.full || !this.capacity.fits(1, 0)) return;
    this.full = false;
    this.emit('resumed', { ...this.capacity.size });
  }

  private deleteUpTo(id: number): void {
    const deleted = this.store.deleteUpTo(id);
    this.capacity.remove(deleted.points, deleted.bytes);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export type { DurableQueueOptions, QueueStats } from './queue-types.js';
