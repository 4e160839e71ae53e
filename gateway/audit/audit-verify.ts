/** Verification of the audit trail's hash chain, entry by entry, reading the database only. */
import Database from 'better-sqlite3';
import { type AuditRow, entryHash, GENESIS_HASH, toAuditEntry } from './audit-trail.js';

export interface VerifyResult {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  /** Hash of the last good entry: keep it apart from the file to detect a rewritten chain later. */
  head_hash: string;
  /** First broken entry and what is wrong with it. */
  broken?: { seq: number; reason: string };
}

/** Checks the chain in an open database. Stops at the first broken entry. */
export function verifyAuditChain(db: Database.Database): VerifyResult {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>;
  let expected_seq = 1;
  let prev_hash = GENESIS_HASH;
  let checked = 0;
  for (const row of rows) {
    const broken = (seq: number, reason: string): VerifyResult => ({
      ok: false,
      checked,
      head_hash: prev_hash,
      broken: { seq, reason },
    });
    if (row.seq !== expected_seq) return broken(expected_seq, `entry deleted (the next entry is ${row.seq})`);
    if (row.prev_hash !== prev_hash)
      return broken(row.seq, `prev_hash does not match the hash of entry ${row.seq - 1}`);
    let entry: ReturnType<typeof toAuditEntry>;
    try {
      entry = toAuditEntry(row);
    } catch {
      return broken(row.seq, 'payload is not valid JSON (edited)');
    }
    if (entryHash(prev_hash, entry) !== row.hash) return broken(row.seq, 'content does not match its hash (edited)');
    prev_hash = row.hash;
    expected_seq += 1;
    checked += 1;
  }
  const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as
    | { seq: number }
    | undefined;
  if (sequence && sequence.seq >= expected_seq) {
    const missing = sequence.seq === expected_seq ? `${expected_seq}` : `${expected_seq}-${sequence.seq}`;
    return {
      ok: false,
      checked,
      head_hash: prev_hash,
      broken: { seq: expected_seq, reason: `entry ${missing} deleted from the end` },
    };
  }
  return { ok: true, checked, head_hash: prev_hash };
}

/** Opens the records file read-only and checks its chain. Throws when the file or the trail is missing. */
export function verifyAuditFile(path: string): VerifyResult {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    if (!table) throw new Error(`${path} has no audit_log table; pass the records store of the gateway`);
    return verifyAuditChain(db);
  } finally {
    db.close();
  }
}
