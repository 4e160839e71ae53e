/** SQL of the local store (SQLite 3 with its built-in JSON functions, as bundled by better-sqlite3 12). */

/**
 * `series` stores each measurement and tag set once. `readings` has one row per series and timestamp:
 * its primary key (series_id, time_ms) is both the unique key that turns a replay into an overwrite and
 * the index for per-series time ranges and for the newest row of a series.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS series (
  series_id   INTEGER PRIMARY KEY,
  series_key  TEXT    NOT NULL UNIQUE,
  measurement TEXT    NOT NULL,
  device      TEXT    NOT NULL,
  tags_json   TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS series_device ON series (device);
CREATE TABLE IF NOT EXISTS readings (
  series_id   INTEGER NOT NULL REFERENCES series (series_id),
  time_ms     INTEGER NOT NULL,
  fields_json TEXT    NOT NULL,
  PRIMARY KEY (series_id, time_ms)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readings_time ON readings (time_ms);
`;

/** Adds a series unless its key exists. */
export const INSERT_SERIES_SQL = `
INSERT INTO series (series_key, measurement, device, tags_json)
VALUES (@series_key, @measurement, @device, @tags_json)
ON CONFLICT (series_key) DO NOTHING
`;

export const SELECT_SERIES_ID_SQL = 'SELECT series_id FROM series WHERE series_key = ?';

/** Inserts a reading, or merges its fields into the stored row of the same series and time. */
export const UPSERT_READING_SQL = `
INSERT INTO readings (series_id, time_ms, fields_json)
VALUES (@series_id, @time_ms, @fields_json)
ON CONFLICT (series_id, time_ms) DO UPDATE SET fields_json = json_patch(readings.fields_json, excluded.fields_json)
`;

/** Deletes readings older than the cutoff (`?`, milliseconds since the epoch). */
export const PRUNE_READINGS_SQL = 'DELETE FROM readings WHERE time_ms < ?';

/** Deletes series left without readings. */
export const PRUNE_SERIES_SQL = `
DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM readings WHERE readings.series_id = series.series_id)
`;

/** Newest row of each series, for one device or all (`@device` NULL); one primary-key lookup per series. */
export const LATEST_SQL = `
SELECT s.measurement, s.tags_json, r.time_ms, r.fields_json
FROM series AS s
JOIN readings AS r
  ON r.series_id = s.series_id
 AND r.time_ms = (SELECT max(time_ms) FROM readings WHERE series_id = s.series_id)
WHERE @device IS NULL OR s.device = @device
ORDER BY s.series_key
`;

/** Rows of one device in a time range that contain the field at JSON path `@path`, oldest first. */
export const HISTORY_SQL = `
SELECT s.measurement, s.tags_json, r.time_ms, r.fields_json
FROM series AS s
JOIN readings AS r ON r.series_id = s.series_id
WHERE s.device = @device AND r.time_ms BETWEEN @from_ms AND @to_ms AND json_type(r.fields_json, @path) IS NOT NULL
ORDER BY r.time_ms, s.series_key
LIMIT @limit
`;

/**
 * Measurement and tags of the series of one `asset` tag value that still have a reading. The `series`
 * table has one row per series, not per reading, and the readings check is one primary-key probe per
 * series, so the cost does not grow with the number of readings stored.
 */
export const ASSET_SERIES_TAGS_SQL = `
SELECT s.measurement, s.tags_json
FROM series AS s
WHERE json_extract(s.tags_json, '$.asset') = @asset
  AND EXISTS (SELECT 1 FROM readings AS r WHERE r.series_id = s.series_id)
`;

/**
 * Tags of the series of one `asset` tag value that have a reading containing the field at JSON path
 * `@path`. The probe stops at the first such reading of a series but reads every row of a series
 * without the field.
 */
export const ASSET_FIELD_SERIES_SQL = `
SELECT s.tags_json
FROM series AS s
WHERE json_extract(s.tags_json, '$.asset') = @asset
  AND EXISTS (
    SELECT 1 FROM readings AS r WHERE r.series_id = s.series_id AND json_type(r.fields_json, @path) IS NOT NULL
  )
`;

/** Each series of one `asset` tag value with the distinct field names of all its readings, as a JSON array. */
export const ASSET_SERIES_FIELDS_SQL = `
SELECT s.measurement, s.tags_json, json_group_array(DISTINCT j.key) AS fields_json
FROM series AS s
JOIN readings AS r ON r.series_id = s.series_id
JOIN json_each(r.fields_json) AS j
WHERE json_extract(s.tags_json, '$.asset') = @asset
GROUP BY s.series_id
`;

/** Distinct `asset` tag values of the series that have a reading, sorted, at most `@limit` of them. */
export const ASSET_IDS_SQL = `
SELECT DISTINCT json_extract(s.tags_json, '$.asset') AS asset
FROM series AS s
WHERE json_extract(s.tags_json, '$.asset') IS NOT NULL
  AND EXISTS (SELECT 1 FROM readings AS r WHERE r.series_id = s.series_id)
ORDER BY asset
LIMIT @limit
`;

/** Number of distinct `asset` tag values of the series that have a reading. */
export const ASSET_COUNT_SQL = `
SELECT count(DISTINCT json_extract(s.tags_json, '$.asset')) AS total
FROM series AS s
WHERE EXISTS (SELECT 1 FROM readings AS r WHERE r.series_id = s.series_id)
`;
