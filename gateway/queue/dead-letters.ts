/**
 * Dead letters: points an output's server rejected for good (a field type conflict, a line it cannot
 * parse), kept in the queue file with the server's reason so that an operator can list and fix them.
 * They are never retried.
 */
import Database from 'better-sqlite3';
import type { Reading } from '../reading.js';
import {
  COUNT_DEAD_LETTERS_SQL,
  INSERT_DEAD_LETTER_SQL,
  LIST_DEAD_LETTERS_SQL,
  SELECT_CURSORS_SQL,
} from './queue-sql.js';
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

/** Raised when a file given as a queue file is not an SQLite database, or has no queue tables. */
export class NotAQueueFileError extends Error {
  constructor(
    readonly path: string,
    /** `not_database`: SQLite cannot read the file. `no_queue_tables`: it has no `batches` and `cursors` tables. */
    readonly reason: 'not_database' | 'no_queue_tables',
  ) {
    super(
      reason === 'not_database'
        ? `${path} is not an SQLite database, so it is not a queue file`
        : `${path} is an SQLite database without the queue tables batches and cursors, so it is not a queue file`,
    );
    this.name = 'NotAQueueFileError';
  }
}

/** Dead letters of a queue file, with the outputs registered in it. */
export interface DeadLetterListing {
  letters: DeadLetter[];
  /** Names in the queue's `cursors` table, sorted: the outputs that read the queue. */
  outputs: string[];
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/**
 * Reads the newest dead letters and the output names of the queue file at `path`, for an operator
 * command. The file is opened read-only, so this never changes it and works while the gateway runs
 * (WAL lets readers and the writer proceed together). Throws `NotAQueueFileError` for a file that is not
 * a queue file.
 */
export function readDeadLetterListing(path: string, query: DeadLetterQuery = {}): DeadLetterListing {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      if (!hasTable(db, 'batches') || !hasTable(db, 'cursors')) throw new NotAQueueFileError(path, 'no_queue_tables');
      const outputs = (db.prepare(SELECT_CURSORS_SQL).all() as { output: string }[]).map((row) => row.output);
      // A queue file from before dead letters were kept has no dead_letters table, so it has none.
      const letters = hasTable(db, 'dead_letters') ? readDeadLetters(db, query) : [];
      return { letters, outputs };
    } finally {
      db.close();
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') throw new NotAQueueFileError(path, 'not_database');
    throw error;
  }
}

/** Lists the newest dead letters of the queue file at `path`; see `readDeadLetterListing`. */
export function listDeadLetters(path: string, query: DeadLetterQuery = {}): DeadLetter[] {
  return readDeadLetterListing(path, query).letters;
}
