/**
 * Durable queue of alarm notifications in the records database, with one row per notification and
 * channel target. A row is written before delivery starts and deleted once the delivery succeeded, so a
 * failed receiver, a stop or a crash does not lose the notification.
 */
import type Database from 'better-sqlite3';

export type NotificationChannel = 'mqtt' | 'webhook';

/** Wait before the first retry of a failed delivery, in milliseconds. */
export const OUTBOX_RETRY_INITIAL_MS = 30_000;
/** Cap on the wait between retries, in milliseconds. */
export const OUTBOX_RETRY_MAX_MS = 600_000;

// AUTOINCREMENT keeps ids from being reused, so a late callback that deletes a delivered row by id can
// never delete a newer row.
const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS notification_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel         TEXT    NOT NULL,
  target          TEXT    NOT NULL,
  alarm_id        TEXT    NOT NULL,
  body            TEXT    NOT NULL,
  created_ms      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT
);
CREATE INDEX IF NOT EXISTS notification_outbox_due ON notification_outbox (next_attempt_ms);
`;

/** One delivery to queue: the notification body for one MQTT topic or webhook URL. */
export interface OutboxEntry {
  channel: NotificationChannel;
  /** MQTT topic or webhook URL. */
  target: string;
  alarm_id: string;
  /** JSON text of `notificationPayload`. Webhook signatures are computed at each send, not stored. */
  body: string;
}

/** A queued delivery as stored. */
export interface OutboxRow extends OutboxEntry {
  id: number;
  created_ms: number;
  /** Failed delivery passes so far. One webhook pass makes up to `max_attempts` requests. */
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
}

/**
 * Returns the wait after failed pass number `attempts` (1 for the first failure): 30 s, doubling, at
 * most 10 min.
 */
export function outboxRetryDelay(attempts: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(OUTBOX_RETRY_MAX_MS, OUTBOX_RETRY_INITIAL_MS * 2 ** exponent);
}

/**
 * Row access to the `notification_outbox` table. Every method does nothing (writes) or returns nothing
 * (reads) once the database is closed, so late delivery callbacks are safe.
 */
export class NotificationOutbox {
  constructor(
    private readonly db: Database.Database,
    /** Row count above which `add` drops the oldest rows. */
    readonly max_rows: number,
  ) {
    db.exec(SCHEMA_SQL);
  }

  /** True while the database is open. */
  get open(): boolean {
    return this.db.open;
  }

  /**
   * Inserts one row per entry, due at `now_ms`, then deletes the oldest rows beyond `max_rows`. Returns
   * the rows inserted and not dropped, and the number of rows dropped.
   */
  add(entries: OutboxEntry[], now_ms: number): { rows: OutboxRow[]; dropped: number } {
    if (!this.db.open || entries.length === 0) return { rows: [], dropped: 0 };
    const insert = this.db.prepare(
      `INSERT INTO notification_outbox (channel, target, alarm_id, body, created_ms, attempts, next_attempt_ms)
       VALUES (@channel, @target, @alarm_id, @body, @created_ms, 0, @created_ms)`,
    );
    // better-sqlite3 turns this into a savepoint when the engine's reading transaction is open.
    return this.db.transaction(() => {
      const rows: OutboxRow[] = [];
      for (const entry of entries) {
        const { lastInsertRowid } = insert.run({ ...entry, created_ms: now_ms });
        rows.push({
          ...entry,
          id: Number(lastInsertRowid),
          created_ms: now_ms,
          attempts: 0,
          next_attempt_ms: now_ms,
          last_error: null,
        });
      }
      const dropped = this.dropOldest();
      const minimumId = rows.length > 0 && dropped > 0 ? this.oldestId() : undefined;
      const remaining = minimumId === undefined ? rows : rows.filter((row) => row.id >= minimumId);
      return { rows: remaining, dropped };
    })();
  }

  /** Returns up to `limit` rows due at `now_ms`, earliest due first. */
  due(now_ms: number, limit: number): OutboxRow[] {
    if (!this.db.open) return [];
    return this.db
      .prepare('SELECT * FROM notification_outbox WHERE next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?')
      .all(now_ms, limit) as OutboxRow[];
  }

  /** Returns the rows created at or before `time_ms`, oldest first. */
  createdAtOrBefore(time_ms: number): OutboxRow[] {
    if (!this.db.open) return [];
    return this.db
      .prepare('SELECT * FROM notification_outbox WHERE created_ms <= ? ORDER BY id')
      .all(time_ms) as OutboxRow[];
  }

  /** Returns every row, oldest first. */
  rows(): OutboxRow[] {
    if (!this.db.open) return [];
    return this.db.prepare('SELECT * FROM notification_outbox ORDER BY id').all() as OutboxRow[];
  }

  count(): number {
    if (!this.db.open) return 0;
    return (this.db.prepare('SELECT count(*) AS n FROM notification_outbox').get() as { n: number }).n;
  }

  /** Deletes the row. Returns false when it was already gone. */
  remove(id: number): boolean {
    if (!this.db.open) return false;
    return this.db.prepare('DELETE FROM notification_outbox WHERE id = ?').run(id).changes > 0;
  }

  /** Records a failed pass, its error and the time of the next pass. Returns false when the row was already gone. */
  reschedule(id: number, next_attempt_ms: number, error: string): boolean {
    if (!this.db.open) return false;
    const result = this.db
      .prepare(
        'UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?',
      )
      .run(next_attempt_ms, error, id);
    return result.changes > 0;
  }

  /** Makes every row due at `now_ms` at the latest, and returns the row count. */
  makeAllDue(now_ms: number): number {
    if (!this.db.open) return 0;
    this.db.prepare('UPDATE notification_outbox SET next_attempt_ms = ? WHERE next_attempt_ms > ?').run(now_ms, now_ms);
    return this.count();
  }

  /** Deletes the oldest rows beyond `max_rows` and returns how many it deleted. */
  private dropOldest(): number {
    const excess = this.count() - this.max_rows;
    if (excess <= 0) return 0;
    return this.db
      .prepare('DELETE FROM notification_outbox WHERE id IN (SELECT id FROM notification_outbox ORDER BY id LIMIT ?)')
      .run(excess).changes;
  }

  private oldestId(): number | undefined {
    const row = this.db.prepare('SELECT min(id) AS id FROM notification_outbox').get() as { id: number | null };
    return row.id ?? undefined;
  }
}
