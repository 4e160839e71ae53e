/**
 * Dead letters: points an output's server rejected for good (a field type conflict, a line it cannot
 * parse), kept in the queue file with the server's reason so that an operator can list and fix them.
 * They are never retried.
 */
import Database from 'better-sqlite3';
import type { Reading } from '../reading.js';
import { COUNT_DEAD_LETTERS_SQL, INSERT_DEAD_LETTER_SQL, LIST_DEAD_LETTERS_SQL } from './queue-sql.js';
import { decodeReading, encodeReading } from './queued-point.js';

/** A rejected reading, or the line protocol of one when the queue kept no JSON of it, and the server's reason. */
export type DeadLetterInput = { reading: Reading; reason: string } | { line: string; reason: string };

/** A stored dead letter. */
export interface DeadLetter {
  id: number;
  /** Output whose server rejected the point (`influx`). */
  output: string;
  /** Time the rejection was stored, in milliseconds since the epoch. */
  failed_ms: number;
  /**
   * The server's reason, as it sent it (cut after 500 characters). For fields removed after a field type
   * conflict, the conflict of each removed field.
   */
  reason: string;
  /** The rejected reading, when the queue kept it as JSON. */
  reading?: Reading;
  /** The rejected line protocol, when the queue kept only that. */
  line?: string;
}

/** Options of `listDeadLetters`. */
export interface DeadLetterQuery {
  /** Only dead letters of this output. Default: all outputs. */
  output?: string;
  /** Maximum entries returned, newest first. Default 100. */
  limit?: number;
}

/** Inserts dead letters and deletes the oldest beyond `max_kept`; call inside the caller's transaction. */
export function insertDeadLetters(
  db: Database.Database,
  output: string,
  entries: readonly DeadLetterInput[],
  max_kept: number,
): void {
  if (entries.length === 0) return;
  const insert = db.prepare(INSERT_DEAD_LETTER_SQL);
  const failed_ms = Date.now();
  for (const entry of entries) {
    const body = 'reading' in entry ? encodeReading(entry.reading) : JSON.stringify({ line: entry.line });
    insert.run({ output, failed_ms, reason: entry.reason, body });
  }
  db.prepare('DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters) - ?').run(max_kept);
}

/** Returns the newest dead letters of an open queue database. */
export function readDeadLetters(db: Database.Database, query: DeadLetterQuery = {}): DeadLetter[] {
  const rows = db.prepare(LIST_DEAD_LETTERS_SQL).all({ output: query.output ?? null, limit: query.limit ?? 100 }) as {
    id: number;
    output: string;
    failed_ms: number;
    reason: string;
    body: string;
  }[];
  return rows.map(({ body, ...row }) => {
    const parsed = JSON.parse(body) as { line?: unknown };
    return typeof parsed.line === 'string' ? { ...row, line: parsed.line } : { ...row, reading: decodeReading(parsed) };
  });
}

/** Returns the number of dead letters stored in an open queue database. */
export function countDeadLetters(db: Database.Database): number {
  return (db.prepare(COUNT_DEAD_LETTERS_SQL).get() as { count: number }).count;
}

/**
 * Lists the newest dead letters of the queue file at `path`, for an operator command. The file is
 * opened read-only, so this works while the gateway runs (WAL lets readers and the writer proceed together).
 */
export function listDeadLetters(path: string, query: DeadLetterQuery = {}): DeadLetter[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dead_letters'").get();
    if (hasTable === undefined) return [];
    return readDeadLetters(db, query);
  } finally {
    db.close();
  }
}
