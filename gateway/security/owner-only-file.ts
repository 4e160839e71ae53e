/**
 * Database files created readable and writable by their owner only. The records database, the durable
 * queue, the local store and the plan store contain readings, alarm acknowledgements with user names and
 * the audit trail, which other local users must not read or change.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Mode of a new database file: read and write for the owner, nothing for group and others. */
export const OWNER_ONLY_MODE = 0o600;

/**
 * Creates `path` as an empty file with mode 0600 when it does not exist yet, because SQLite would create
 * it with 0644 less the umask. SQLite takes an empty file as a new database, and its unix VFS creates the
 * -wal and -shm files with the mode of the database file. An existing file keeps its mode, and
 * `databaseFileWarnings` reports one that others can read. On Windows the mode only clears the
 * read-only flag, and the folder's ACLs decide who can read the file.
 */
export function createOwnerOnlyFile(path: string): void {
  // `:memory:`, the empty name (a temporary database) and `file:` URIs are no plain file path.
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  try {
    closeSync(openSync(path, 'wx', OWNER_ONLY_MODE));
  } catch {
    // EEXIST is the normal case. On any other error (missing folder, no permission) better-sqlite3
    // fails too, with the message that callers already report.
  }
}

/** Opens or creates a SQLite database with better-sqlite3, creating a new file with mode 0600. */
export function openOwnerOnlyDatabase(path: string): Database.Database {
  createOwnerOnlyFile(path);
  return new Database(path);
}
