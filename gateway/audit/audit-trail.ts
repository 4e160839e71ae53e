/**
 * Append-only audit trail chained with SHA-256: each entry's hash covers the previous entry's hash and
 * the entry itself, so changing or removing any entry breaks every hash after it. SQLite triggers reject
 * UPDATE and DELETE on the table. Someone with write access to the file can drop the triggers, but cannot
 * rebuild the chain without it showing in `verifyAuditTrail` unless they rewrite every later entry too.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditEntryInput, AuditKind, AuditSink } from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';

/** Hash that the first entry chains to. */
export const GENESIS_HASH = '0'.repeat(64);

// AUTOINCREMENT keeps the highest seq ever used in sqlite_sequence, so removing the newest entries is
// detectable too (SQLite "Autoincrement" documentation).
const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS audit_log (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms      INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  actor        TEXT    NOT NULL,
  subject      TEXT    NOT NULL,
  payload_json TEXT    NOT NULL,
  prev_hash    TEXT    NOT NULL,
  hash         TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log (kind, subject, seq);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: add a correction entry instead'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
`;

export interface AuditRow {
  seq: number;
  time_ms: number;
  kind: string;
  actor: string;
  subject: string;
  payload_json: string;
  prev_hash: string;
  hash: string;
}

/** Computes the hash of an entry from the previous hash and the entry's canonical JSON. */
export function entryHash(prev_hash: string, entry: AuditEntryInput & { seq: number }): string {
  const text = canonicalJson({
    seq: entry.seq,
    time_ms: entry.time_ms,
    kind: entry.kind,
    actor: entry.actor,
    subject: entry.subject,
    payload: entry.payload,
  });
  return createHash('sha256').update(`${prev_hash}\n${text}`).digest('hex');
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    time_ms: row.time_ms,
    kind: row.kind as AuditKind,
    actor: row.actor,
    subject: row.subject,
    payload: JSON.parse(row.payload_json),
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/** Filter of `AuditTrail.entries`; every given field must match. */
export interface AuditQuery {
  kind?: AuditKind;
  subject?: string;
  from_ms?: number;
  to_ms?: number;
}

export class AuditTrail implements AuditSink {
  private readonly appendTransaction: (input: AuditEntryInput) => AuditEntry;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA_SQL);
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, time_ms, kind, actor, subject, payload_json, prev_hash, hash)
       VALUES (@seq, @time_ms, @kind, @actor, @subject, @payload_json, @prev_hash, @hash)`,
    );
    this.appendTransaction = db.transaction((input: AuditEntryInput) => {
      const previous = last.get() as { seq: number; hash: string } | undefined;
      const seq = (previous?.seq ?? 0) + 1;
      const prev_hash = previous?.hash ?? GENESIS_HASH;
      // The payload is stored as canonical JSON so that reading it back hashes to the same text.
      const payload = JSON.parse(canonicalJson(input.payload ?? null));
      const entry: AuditEntry = {
        ...input,
        payload,
        seq,
        prev_hash,
        hash: entryHash(prev_hash, { ...input, payload, seq }),
      };
      insert.run({ ...entry, payload_json: canonicalJson(payload) });
      return entry;
    });
  }

  /**
   * Appends an entry and returns it with its seq and hash. Outside a transaction the commit runs with
   * synchronous=FULL, so the entry and every commit before it in the WAL are on disk when this returns.
   * Inside a caller's transaction (the engine evaluating a reading), that transaction's setting applies.
   * Throws when `time_ms` is not an integer.
   */
  append(input: AuditEntryInput): AuditEntry {
    if (!Number.isSafeInteger(input.time_ms)) {
      throw new RangeError(`audit entry time ${input.time_ms} is not an integer number of milliseconds`);
    }
    if (this.db.inTransaction) return this.appendTransaction(input);
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = FULL');
    try {
      return this.appendTransaction(input);
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }

  /** Returns the entries that match, in chain order. */
  entries(query: AuditQuery = {}): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log
         WHERE (@kind IS NULL OR kind = @kind) AND (@subject IS NULL OR subject = @subject)
           AND time_ms BETWEEN @from_ms AND @to_ms
         ORDER BY seq`,
      )
      .all({
        kind: query.kind ?? null,
        subject: query.subject ?? null,
        from_ms: query.from_ms ?? Number.MIN_SAFE_INTEGER,
        to_ms: query.to_ms ?? Number.MAX_SAFE_INTEGER,
      }) as AuditRow[];
    return rows.map(toAuditEntry);
  }

  /** Returns the newest entry of a kind (and subject), or undefined. */
  latest(kind: AuditKind, subject?: string): AuditEntry | undefined {
    const row = this.db
      .prepare(
        'SELECT * FROM audit_log WHERE kind = @kind AND (@subject IS NULL OR subject = @subject) ORDER BY seq DESC LIMIT 1',
      )
      .get({ kind, subject: subject ?? null }) as AuditRow | undefined;
    return row ? toAuditEntry(row) : undefined;
  }

  /** Returns the entry with this seq, or undefined. */
  entry(seq: number): AuditEntry | undefined {
    const row = this.db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow | undefined;
    return row ? toAuditEntry(row) : undefined;
  }
}
