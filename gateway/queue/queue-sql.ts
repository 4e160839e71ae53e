/** SQL of the durable queue (SQLite 3 as bundled by better-sqlite3 12). */

/**
 * `points` holds every accepted point until each registered output has acknowledged it; the row id is
 * the acceptance order. `cursors` stores, per output, the highest row id it acknowledged. `dead_letters`
 * keeps points an output's server rejected for good, with the server's reason.
 */
export const QUEUE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS points (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  enqueued_ms INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  body        TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
  output   TEXT    PRIMARY KEY,
  acked_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  output    TEXT    NOT NULL,
  failed_ms INTEGER NOT NULL,
  reason    TEXT    NOT NULL,
  body      TEXT    NOT NULL
);
`;

export const INSERT_POINT_SQL = 'INSERT INTO points (enqueued_ms, bytes, body) VALUES (?, ?, ?)';

export const PAGE_SQL = 'SELECT id, enqueued_ms, body FROM points WHERE id > ? ORDER BY id LIMIT ?';

/** Count and bytes of the rows up to an id; used before deleting them. */
export const SIZE_UP_TO_SQL = 'SELECT count(*) AS points, coalesce(sum(bytes), 0) AS bytes FROM points WHERE id <= ?';

export const DELETE_UP_TO_SQL = 'DELETE FROM points WHERE id <= ?';

export const TOTALS_SQL = 'SELECT count(*) AS points, coalesce(sum(bytes), 0) AS bytes FROM points';

export const OLDEST_SQL = 'SELECT id, enqueued_ms FROM points ORDER BY id LIMIT 1';

/** Oldest rows with their sizes, for `drop_oldest` eviction. */
export const OLDEST_SIZES_SQL = 'SELECT id, bytes FROM points ORDER BY id LIMIT ?';

export const SELECT_CURSOR_SQL = 'SELECT acked_id FROM cursors WHERE output = ?';

export const UPSERT_CURSOR_SQL = `
INSERT INTO cursors (output, acked_id) VALUES (?, ?)
ON CONFLICT (output) DO UPDATE SET acked_id = max(cursors.acked_id, excluded.acked_id)
`;

export const INSERT_DEAD_LETTER_SQL =
  'INSERT INTO dead_letters (output, failed_ms, reason, body) VALUES (@output, @failed_ms, @reason, @body)';

export const LIST_DEAD_LETTERS_SQL = `
SELECT id, output, failed_ms, reason, body FROM dead_letters
WHERE (@output IS NULL OR output = @output)
ORDER BY id DESC LIMIT @limit
`;

export const COUNT_DEAD_LETTERS_SQL = 'SELECT count(*) AS count FROM dead_letters';
