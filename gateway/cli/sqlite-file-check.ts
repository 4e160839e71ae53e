/**
 * Checks that a database file given on the command line exists and is the kind of SQLite file the option
 * takes, before a command opens it. Without this check a wrong path fails with SQLite's own "file is not a
 * database", which names neither the option nor the file, and a records store given where a readings
 * store belongs would get the readings tables created in it.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The kind of SQLite file an option takes. */
export interface SqliteFileRole {
  /** Option that names the file, such as `--store`. */
  option: string;
  /** Name of the kind of file in messages, such as `records store`. */
  noun: string;
  /** Tables of which a file of this kind contains at least one. */
  tables: readonly string[];
  /** Hint that ends each message and names the usual right file, such as `pass the gateway's alarms.store_path`. */
  hint: string;
}

function tableNames(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}

/** Returns the message of an error thrown by better-sqlite3 or the file system, for the `cannot open` case. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Throws an error naming the option, the path and `role.hint` when `path` is missing, is a folder, is not
 * an SQLite database, or has none of `role.tables`. A database without any table passes only with
 * `allow_empty`, for commands that create the tables, such as `coldpool audit calibration add`.
 */
export function checkSqliteFile(path: string, role: SqliteFileRole, options: { allow_empty?: boolean } = {}): void {
  const { option, noun, tables, hint } = role;
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${option}: ${noun} ${path} not found; ${hint}`);
    }
    throw new Error(`${option} ${path}: cannot read the ${noun} (${reasonOf(error)}); ${hint}`, { cause: error });
  }
  if (isFolder) throw new Error(`${option} ${path} is a folder, not a ${noun}; ${hint}`);
  let names: string[];
  try {
    names = tableNames(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') {
      throw new Error(`${option} ${path} is not an SQLite database, so it is not a ${noun}; ${hint}`, {
        cause: error,
      });
    }
    throw new Error(`${option} ${path}: cannot open the ${noun} (${reasonOf(error)}); ${hint}`, { cause: error });
  }
  if (names.length === 0 && options.allow_empty === true) return;
  if (!tables.some((table) => names.includes(table))) {
    const found = names.length === 0 ? 'no tables' : `only the tables ${names.join(', ')}`;
    throw new Error(
      `${option} ${path} is an SQLite database with ${found}, so it is not a ${noun} (which has ${tables.join(' or ')}); ${hint}`,
    );
  }
}
