/**
 * Opens the records database: one SQLite file (better-sqlite3 12) that contains the alarm state, the
 * audit trail and the calibration register, apart from the readings store so that pruning readings
 * never touches a record.
 */
import type Database from 'better-sqlite3';
import { openOwnerOnlyDatabase } from '../security/owner-only-file.js';

/**
 * Opens or creates the file in WAL mode; a new file gets mode 0600 (`openOwnerOnlyDatabase`). `:memory:`
 * gives a private in-memory database.
 */
export function openRecordsDatabase(path: string): Database.Database {
  const db = openOwnerOnlyDatabase(path);
  // WAL lets reports read while the gateway writes. synchronous=NORMAL keeps the per-reading state
  // updates of the alarm engine fast (no fsync per commit): a power cut may roll back the last of them but
  // never corrupts the file. Audit entries switch to FULL for their own commit (see AuditTrail.append).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
