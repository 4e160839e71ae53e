/**
 * Local store of recent readings in SQLite (better-sqlite3 12), so the gateway keeps history and the
 * latest values on the edge box with no database server. One row per series and timestamp: writing the
 * same point again (a replay) merges its fields into the stored row, as InfluxDB does, instead of adding
 * a row.
 */
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { FieldValue, Reading } from '../reading.js';
import { openOwnerOnlyDatabase } from '../security/owner-only-file.js';
import {
  ASSET_COUNT_SQL,
  ASSET_FIELD_SERIES_SQL,
  ASSET_IDS_SQL,
  ASSET_SERIES_FIELDS_SQL,
  ASSET_SERIES_TAGS_SQL,
  HISTORY_SQL,
  INSERT_SERIES_SQL,
  LATEST_SQL,
  PRUNE_READINGS_SQL,
  PRUNE_SERIES_SQL,
  SCHEMA_SQL,
  SELECT_SERIES_ID_SQL,
  UPSERT_READING_SQL,
} from './local-store-sql.js';
import type { Output, OutputStats } from './output.js';
import { OutputConfigError } from './output-errors.js';
import { storableFields } from './storable-fields.js';

const MS_PER_DAY = 86_400_000;

/** Values of the `asset` tag in a store: the first ones in sorted order, and how many there are in all. */
export interface StoredAssetIds {
  ids: string[];
  total: number;
}

/** Options of `LocalStore`. */
export interface LocalStoreOptions {
  /** Path of the SQLite database file, created when missing; `:memory:` keeps it in memory. */
  path: string;
  /** Age after which readings are deleted, in days. Default 7. */
  retention_days?: number;
  /** Interval between retention prunes while started, in milliseconds. Default 3600000 (one hour). */
  prune_interval_ms?: number;
}

/** A reading as stored: fields as written, with their JSON types. */
export interface StoredReading {
  time_ms: number;
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
}

/** Arguments of `LocalStore.history`. */
export interface HistoryQuery {
  /** Value of the `device` tag. */
  device: string;
  /** Field name, such as `temp_c`; only readings that contain it are returned. */
  field: string;
  /** Start of the range, inclusive, in milliseconds since the epoch. Default 0. */
  from_ms?: number;
  /** End of the range, inclusive, in milliseconds since the epoch. Default: no end. */
  to_ms?: number;
  /** Maximum points returned, oldest first. Default 1000. */
  limit?: number;
}

/** One point of a field's history; `tags` tell series of the same device apart (compartments). */
export interface HistoryPoint {
  time_ms: number;
  tags: Record<string, string>;
  value: FieldValue;
}

interface ReadingRow {
  time_ms: number;
  measurement: string;
  tags_json: string;
  fields_json: string;
}

function compareStrings(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/**
 * Canonical series key: the measurement and the tags sorted by key, as JSON, so that two readings of the
 * same series always produce the same key whatever the order of their tags.
 */
export function seriesKey(measurement: string, tags: Record<string, string>): string {
  const sorted = Object.entries(tags).sort(([left], [right]) => compareStrings(left, right));
  return JSON.stringify([measurement, sorted]);
}

/** Returns the SQLite JSON path of a top-level field, quoted so that any field name is one key. */
function fieldPath(field: string): string {
  return `$."${field.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

function toStoredReading(row: ReadingRow): StoredReading {
  return {
    time_ms: row.time_ms,
    measurement: row.measurement,
    tags: JSON.parse(row.tags_json),
    fields: JSON.parse(row.fields_json),
  };
}

/**
 * SQLite output and query store. Events: `rejected` ({ count, reason }), `dropped` ({ count, reason }),
 * `write_error` ({ error, attempt }).
 */
export class LocalStore extends EventEmitter implements Output {
  private readonly db: Database.Database;
  private readonly retentionMs: number;
  private readonly pruneIntervalMs: number;
  private readonly counters = { written: 0, rejected: 0, dropped: 0, write_errors: 0 };
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly insertBatch: (readings: readonly Reading[]) => number;
  private readonly statements: Record<'insertSeries' | 'selectSeriesId' | 'upsertReading', Database.Statement>;
  /** series_key to series_id, filled as series are written; cleared when a prune deletes series. */
  private readonly seriesIds = new Map<string, number>();

  /** Opens or creates the database file (a new one with mode 0600) in WAL mode and creates the schema. */
  constructor(options: LocalStoreOptions) {
    super();
    const retentionDays = options.retention_days ?? 7;
    if (!(retentionDays > 0)) {
      throw new OutputConfigError(
        'OUTPUT_OPTION_INVALID',
        `local store retention_days is ${retentionDays}; use a positive number`,
      );
    }
    this.retentionMs = retentionDays * MS_PER_DAY;
    this.pruneIntervalMs = options.prune_interval_ms ?? 3_600_000;
    this.db = openOwnerOnlyDatabase(options.path);
    // WAL lets queries run while a batch is written. synchronous=NORMAL is durable against a crash of the
    // process; a power cut may lose the last transactions but does not corrupt the file (SQLite WAL docs).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA_SQL);
    this.statements = {
      insertSeries: this.db.prepare(INSERT_SERIES_SQL),
      selectSeriesId: this.db.prepare(SELECT_SERIES_ID_SQL),
      upsertReading: this.db.prepare(UPSERT_READING_SQL),
    };
    this.insertBatch = this.db.transaction((readings: readonly Reading[]) => {
      let stored = 0;
      for (const reading of readings) {
        if (this.insertOne(reading)) stored += 1;
      }
      return stored;
    });
  }

  /** Prunes once, then every `prune_interval_ms`. */
  async start(): Promise<void> {
    this.prune();
    if (this.pruneTimer === undefined && this.pruneIntervalMs > 0) {
      this.pruneTimer = setInterval(() => this.prune(), this.pruneIntervalMs);
      this.pruneTimer.unref();
    }
  }

  /** Inserts the readings in one transaction. A failed transaction stores none of them and counts them dropped. */
  write(readings: readonly Reading[]): void {
    if (!this.db.open) {
      this.drop(readings.length, 'the local store is closed');
      return;
    }
    try {
      this.counters.written += this.insertBatch(readings);
    } catch (error) {
      // The rollback may have removed series that were added to the cache during the transaction.
      this.seriesIds.clear();
      this.counters.write_errors += 1;
      this.emit('write_error', { error, attempt: 1 });
      this.drop(readings.length, `SQLite transaction failed: ${(error as Error).message}`);
    }
  }

  /** Writes are synchronous, so there is nothing to flush. */
  async flush(): Promise<void> {}

  async stop(): Promise<void> {
    this.close();
  }

  /** Stops pruning and closes the database; later writes are counted as dropped. */
  close(): void {
    clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    if (this.db.open) this.db.close();
  }

  stats(): OutputStats {
    return { ...this.counters, pending: 0 };
  }

  /** Deletes readings older than `retention_days` before `now_ms`, and series left empty; returns the readings deleted. */
  prune(now_ms: number = Date.now()): number {
    if (!this.db.open) return 0;
    const deleted = this.db.prepare(PRUNE_READINGS_SQL).run(now_ms - this.retentionMs).changes;
    if (deleted > 0 && this.db.prepare(PRUNE_SERIES_SQL).run().changes > 0) this.seriesIds.clear();
    return deleted;
  }

  /** Returns the newest reading of every series, or of every series of one device, sorted by series. */
  latest(device?: string): StoredReading[] {
    const rows = this.db.prepare(LATEST_SQL).all({ device: device ?? null }) as ReadingRow[];
    return rows.map(toStoredReading);
  }

  /** Returns the values of one field of one device in a time range, oldest first. */
  history(query: HistoryQuery): HistoryPoint[] {
    const rows = this.db.prepare(HISTORY_SQL).all({
      device: query.device,
      path: fieldPath(query.field),
      from_ms: query.from_ms ?? 0,
      to_ms: query.to_ms ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit ?? 1000,
    }) as ReadingRow[];
    return rows.map((row) => {
      const stored = toStoredReading(row);
      return { time_ms: stored.time_ms, tags: stored.tags, value: stored.fields[query.field] as FieldValue };
    });
  }

  /**
   * Returns true when a series with a reading has tags that `matches` accepts, among the series whose
   * `asset` tag is `asset`. Stops at the first match.
   */
  hasAssetSeries(asset: string, matches: (tags: Record<string, string>) => boolean = () => true): boolean {
    const rows = this.db.prepare(ASSET_SERIES_TAGS_SQL).iterate({ asset }) as Iterable<{ tags_json: string }>;
    for (const row of rows) {
      if (matches(JSON.parse(row.tags_json))) return true;
    }
    return false;
  }

  /** Returns the measurement and tags of each series with a reading whose `asset` tag is `asset`. */
  assetSeries(asset: string): Array<{ measurement: string; tags: Record<string, string> }> {
    const rows = this.db.prepare(ASSET_SERIES_TAGS_SQL).all({ asset }) as Array<{
      measurement: string;
      tags_json: string;
    }>;
    return rows.map((row) => ({ measurement: row.measurement, tags: JSON.parse(row.tags_json) }));
  }

  /**
   * Returns true when a series whose `asset` tag is `asset` and whose tags `matches` accepts has a
   * reading that contains `field`.
   */
  hasAssetField(asset: string, field: string, matches: (tags: Record<string, string>) => boolean): boolean {
    const rows = this.db.prepare(ASSET_FIELD_SERIES_SQL).iterate({ asset, path: fieldPath(field) }) as Iterable<{
      tags_json: string;
    }>;
    for (const row of rows) {
      if (matches(JSON.parse(row.tags_json))) return true;
    }
    return false;
  }

  /**
   * Returns the measurement, tags and field names of each series whose `asset` tag is `asset`, with the
   * names sorted and taken from every reading of the series. Reads every row of those series.
   */
  assetSeriesFields(asset: string): Array<{ measurement: string; tags: Record<string, string>; fields: string[] }> {
    const rows = this.db.prepare(ASSET_SERIES_FIELDS_SQL).all({ asset }) as Array<{
      measurement: string;
      tags_json: string;
      fields_json: string;
    }>;
    return rows.map((row) => ({
      measurement: row.measurement,
      tags: JSON.parse(row.tags_json),
      fields: (JSON.parse(row.fields_json) as string[]).sort(),
    }));
  }

  /** Returns the first `limit` values of the `asset` tag over the series that have a reading, and their total. */
  assetIds(limit: number): StoredAssetIds {
    const rows = this.db.prepare(ASSET_IDS_SQL).all({ limit }) as Array<{ asset: string }>;
    const { total } = this.db.prepare(ASSET_COUNT_SQL).get() as { total: number };
    return { ids: rows.map((row) => row.asset), total };
  }

  /** Upserts one reading; returns false when it has no storable field or no integer timestamp. */
  private insertOne(reading: Reading): boolean {
    if (!Number.isSafeInteger(reading.time_ms)) {
      this.counters.rejected += 1;
      this.emit('rejected', {
        count: 1,
        reason: `timestamp ${reading.time_ms} is not an integer number of milliseconds`,
      });
      return false;
    }
    const fields = storableFields(reading.fields);
    if (Object.keys(fields).length === 0) {
      this.drop(1, `no valid field left in ${reading.measurement} of device ${reading.tags.device}`);
      return false;
    }
    this.statements.upsertReading.run({
      series_id: this.seriesIdOf(reading),
      time_ms: reading.time_ms,
      fields_json: JSON.stringify(fields),
    });
    return true;
  }

  /** Returns the id of the reading's series, adding the series on first use. */
  private seriesIdOf(reading: Reading): number {
    const key = seriesKey(reading.measurement, reading.tags);
    const cached = this.seriesIds.get(key);
    if (cached !== undefined) return cached;
    this.statements.insertSeries.run({
      series_key: key,
      measurement: reading.measurement,
      device: reading.tags.device ?? '',
      tags_json: JSON.stringify(reading.tags),
    });
    const row = this.statements.selectSeriesId.get(key) as { series_id: number };
    this.seriesIds.set(key, row.series_id);
    return row.series_id;
  }

  private drop(count: number, reason: string): void {
    if (count === 0) return;
    this.counters.dropped += count;
    this.emit('dropped', { count, reason });
  }
}
