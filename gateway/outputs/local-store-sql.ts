/** SQL of the local store (SQLite 3 with its built-in JSON functions, as bundled by better-sqlite3 12). */

/**
 * One row per series and timestamp. The primary key (series_key, time_ms) is both the unique key that
 * turns a replay into an overwrite and the index for per-series time ranges. `device` repeats the
 * device tag so that queries by device use an index.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS readings (
  series_key  TEXT    NOT NULL,
  time_ms     INTEGER NOT NULL,
  measurement TEXT    NOT NULL,
  device      TEXT    NOT NULL,
  tags_json   TEXT    NOT NULL,
  fields_json TEXT    NOT NULL,
  PRIMARY KEY (series_key, time_ms)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readings_device_time ON readings (device, time_ms);
CREATE INDEX IF NOT EXISTS readings_time ON readings (time_ms);
`;

/** Inserts a reading, or merges its fields into the stored row of the same series and time. */
export const UPSERT_SQL = `
INSERT INTO readings (series_key, time_ms, measurement, device, tags_json, fields_json)
VALUES (@series_key, @time_ms, @measurement, @device, @tags_json, @fields_json)
ON CONFLICT (series_key, time_ms) DO UPDATE SET fields_json = json_patch(readings.fields_json, excluded.fields_json)
`;

/** Deletes rows older than the cutoff (`?`, milliseconds since the epoch). */
export const PRUNE_SQL = 'DELETE FROM readings WHERE time_ms < ?';

/**
 * Newest row of each series, for one device or all (`@device` NULL). SQLite takes the bare columns of
 * a query with a single max() aggregate from the row that contains the maximum ("Bare columns in an
 * aggregate query", SQLite SELECT documentation).
 */
export const LATEST_SQL = `
SELECT series_key, measurement, tags_json, fields_json, max(time_ms) AS time_ms
FROM readings
WHERE @device IS NULL OR device = @device
GROUP BY series_key
ORDER BY series_key
`;

/** Rows of one device in a time range that contain the field at JSON path `@path`, oldest first. */
export const HISTORY_SQL = `
SELECT time_ms, measurement, tags_json, fields_json
FROM readings
WHERE device = @device AND time_ms BETWEEN @from_ms AND @to_ms AND json_type(fields_json, @path) IS NOT NULL
ORDER BY time_ms, series_key
LIMIT @limit
`;
