/** SQL of the durable queue (SQLite 3 as bundled by better-sqlite3 12). */

/**
 * `batches` contains the accepted points until each registered output has acknowledged them: one row per
 * group of points committed together (a JSON array, at most `commit_max_points` points), in acceptance
 * order. One row per group instead of per point keeps the per-point cost of SQLite low. `lines` contains
 * the same points as InfluxDB line protocol, one per line, when the queue has a line encoder and every
 * point of the row could be encoded; otherwise it is NULL and the InfluxDB output encodes the JSON. `cursors` stores,
 * per output, the highest row id it acknowledged. `dead_letters` keeps points an output's server
 * rejected for good, with the server's reason. `receive_clock` keeps the newest receive time given to a
 * reading without a device time, so that such readings get later times after a restart.
 */
export const QUEUE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS batches (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  enqueued_ms INTEGER NOT NULL,
  points      INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  body        TEXT    NOT NULL,
  lines       TEXT
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
CREATE TABLE IF NOT EXISTS receive_clock (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  newest_ms INTEGER NOT NULL
);
`;

export const SELECT_RECEIVE_CLOCK_SQL = 'SELECT newest_ms FROM receive_clock WHERE id = 1';

export const UPSERT_RECEIVE_CLOCK_SQL =
  'INSERT INTO receive_clock (id, newest_ms) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET newest_ms = max(newest_ms, excluded.newest_ms)';

export const DELETE_RECEIVE_CLOCK_SQL = 'DELETE FROM receive_clock';

export const INSERT_BATCH_SQL = 'INSERT INTO batches (enqueued_ms, points, bytes, body, lines) VALUES (?, ?, ?, ?, ?)';

/** Adds the `lines` column to a queue file created before it existed. */
export const ADD_LINES_COLUMN_SQL = 'ALTER TABLE batches ADD COLUMN lines TEXT';

/** Rows for the InfluxDB output: the line protocol, or the JSON body where a row has no lines. */
export const LINE_PAGE_SQL =
  'SELECT id, enqueued_ms, points, lines, CASE WHEN lines IS NULL THEN body END AS body FROM batches WHERE id > ? ORDER BY id';

export const BODY_OF_SQL = 'SELECT body FROM batches WHERE id = ?';

export const PAGE_SQL = 'SELECT id, enqueued_ms, body FROM batches WHERE id > ? ORDER BY id';

/** Points and bytes in the rows up to an id; used before deleting them. */
export const SIZE_UP_TO_SQL =
  'SELECT coalesce(sum(points), 0) AS points, coalesce(sum(bytes), 0) AS bytes FROM batches WHERE id <= ?';

/** Points in the rows after an id: what an output still has to deliver. */
export const POINTS_AFTER_SQL = 'SELECT coalesce(sum(points), 0) AS points FROM batches WHERE id > ?';

export const DELETE_UP_TO_SQL = 'DELETE FROM batches WHERE id <= ?';

export const TOTALS_SQL =
  'SELECT coalesce(sum(points), 0) AS points, coalesce(sum(bytes), 0) AS bytes, coalesce(max(id), 0) AS last_id FROM batches';

export const OLDEST_SQL = 'SELECT id, enqueued_ms FROM batches ORDER BY id LIMIT 1';

/** Oldest rows with their sizes, for `drop_oldest` eviction. */
export const OLDEST_SIZES_SQL = 'SELECT id, points, bytes FROM batches ORDER BY id';

export const SELECT_CURSOR_SQL = 'SELECT acked_id FROM cursors WHERE output = ?';

export const SELECT_CURSORS_SQL = 'SELECT output, acked_id FROM cursors ORDER BY output';

/** Registers an output that has no cursor yet, so a later start without it can count its backlog. */
export const REGISTER_CURSOR_SQL = 'INSERT OR IGNORE INTO cursors (output, acked_id) VALUES (?, 0)';

export const DELETE_CURSOR_SQL = 'DELETE FROM cursors WHERE output = ?';

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
