/**
 * Opens the records database: one SQLite file (better-sqlite3 12) that contains the alarm state, the
 * audit trail and the calibration register, apart from the readings store so that pruning readings
 * never touches a record.
 */
import Database from 'better-sqlite3';

/** Opens or creates the file in WAL mode. `:memory:` gives a private in-memory database. */
export function openRecordsDatabase(path: string): Database.Database {
  const db = new Database(path);
  // WAL lets reports read while the gateway writes. synchronous=NORMAL keeps the per-reading state
  // updates of the alarm engine fast (no fsync per commit): a power cut may roll back the last of them but
  // never corrupts the file. Audit entries switch to FULL for their own commit (see AuditTrail.append).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
