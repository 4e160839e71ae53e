/**
 * SQLite file of the HTTP session records (`http.auth.session_store_path`), so session tokens survive a
 * restart. Each row has the token's SHA-256, the user name, the role, the login time and the expiry. The
 * token itself is never written.
 */
import type Database from 'better-sqlite3';
import { openOwnerOnlyDatabase } from './owner-only-file.js';
import { HTTP_ROLES, type HttpRole } from './security-config.js';
import type { SessionRecord } from './session-record.js';

interface SessionRow {
  token_sha256: string;
  username: string;
  role: string;
  issued_at_ms: number;
  expires_at_ms: number;
}

/** A row read back from the file. `role` is a string because the file may come from another version. */
export type StoredSession = Omit<SessionRecord, 'role'> & { role: string };

export class SessionFile {
  private readonly insertStatement: Database.Statement;
  private readonly deleteStatement: Database.Statement;

  /** Creates the `sessions` table in `db` when it is missing. */
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS sessions (
      token_sha256 TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      role TEXT NOT NULL,
      issued_at_ms INTEGER NOT NULL,
      expires_at_ms INTEGER NOT NULL
    )`);
    this.insertStatement = db.prepare(
      'INSERT OR REPLACE INTO sessions (token_sha256, username, role, issued_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteStatement = db.prepare('DELETE FROM sessions WHERE token_sha256 = ?');
  }

  /**
   * Opens or creates the file at `path` with mode 0600, in WAL mode. A committed login survives a crash of
   * the process, but with `synchronous = NORMAL` the newest logins may be lost in a power cut.
   */
  static open(path: string): SessionFile {
    const db = openOwnerOnlyDatabase(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      return new SessionFile(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Returns every stored session, expired or not, in login order. */
  readAll(): StoredSession[] {
    const rows = this.db
      .prepare('SELECT token_sha256, username, role, issued_at_ms, expires_at_ms FROM sessions ORDER BY issued_at_ms')
      .all() as SessionRow[];
    return rows.map(({ username, ...row }) => ({ ...row, name: username }));
  }

  insert(record: SessionRecord): void {
    const { token_sha256, name, role, issued_at_ms, expires_at_ms } = record;
    this.insertStatement.run(token_sha256, name, role, issued_at_ms, expires_at_ms);
  }

  delete(token_sha256: string): void {
    this.deleteStatement.run(token_sha256);
  }

  /** Deletes the rows of `hashes` in one transaction. */
  deleteAll(hashes: readonly string[]): void {
    this.db.transaction(() => {
      for (const hash of hashes) this.deleteStatement.run(hash);
    })();
  }

  close(): void {
    this.db.close();
  }
}

/** Returns true when `role` is one of `HTTP_ROLES`. */
export function isHttpRole(role: string): role is HttpRole {
  return (HTTP_ROLES as readonly string[]).includes(role);
}
