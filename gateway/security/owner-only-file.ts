/**
 * Database files created readable and writable by their owner only. The records database, the durable
 * queue, the local store and the plan store contain readings, alarm acknowledgements with user names and
 * the audit trail, which other local users must not read or change.
 */
import { accessSync, closeSync, constants, existsSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
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
  if (!isPlainPath(path)) return;
  try {
    closeSync(openSync(path, 'wx', OWNER_ONLY_MODE));
  } catch {
    // EEXIST is the normal case. On any other error (missing folder, no permission) better-sqlite3
    // fails too, with the message that callers already report.
  }
}

/** Returns false for `:memory:`, the empty name (a temporary database) and `file:` URIs, and true for a file path. */
function isPlainPath(path: string): boolean {
  return !(path === '' || path === ':memory:' || path.startsWith('file:'));
}

/**
 * Throws an error naming `path` when the database or its directory cannot be written. SQLite writes the -wal
 * and -shm files beside the database, so the directory must be writable as well. On a read-only file system
 * SQLite itself reports only "unable to open database file", without the file.
 */
function checkWritable(path: string): void {
  const directory = dirname(path);
  const fix = 'mount the directory read-write, or set the store path in the config to a writable directory';
  if (!existsSync(directory)) {
    throw new Error(
      `database ${path}: directory ${directory} does not exist; create it, or set the store path in the config to an existing directory`,
    );
  }
  for (const target of existsSync(path) ? [directory, path] : [directory]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const reason = code === 'EROFS' ? 'is on a read-only file system' : `is not writable (${code})`;
      throw new Error(`database ${path}: ${target === path ? 'the file' : `directory ${directory}`} ${reason}; ${fix}`);
    }
  }
}

/**
 * Opens or creates a SQLite database with better-sqlite3, creating a new file with mode 0600. Throws an
 * error that names the file when it or its directory is missing or not writable.
 */
export function openOwnerOnlyDatabase(path: string): Database.Database {
  if (isPlainPath(path)) checkWritable(path);
  createOwnerOnlyFile(path);
  return new Database(path);
}
