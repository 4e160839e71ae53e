/**
 * Opens a power-loss image with `DurableQueue` and checks what a crash may leave. The file must open,
 * SQLite must find no corruption, and every row must decode into whole readings. The sequence numbers read
 * back must run without a gap or a duplicate from the first unacknowledged reading to the last one, N.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import type { Reading } from '../../../gateway/reading.js';
import type { QueueImage } from './torn-images.js';

/** Result of checking one image. */
export interface ImageCheck {
  /** Highest sequence number read back (N) before the first break in the run, or 0 when the queue is empty. */
  sequences: number;
  /** Findings, one message each. Empty when the image passed. */
  failures: string[];
}

/** A point as read back: its row id and sequence number. */
interface ReadPoint {
  id: number;
  sequence: number;
}

/** The one output the power-loss writer acknowledges as. */
const OUTPUT = 'influx';
/** Points per `readPage` call. */
const PAGE_POINTS = 5000;
/** Bad points listed one by one in `failures`. The rest are only counted. */
const MAX_LISTED_PROBLEMS = 5;

/**
 * Writes `image` into the new folder `dir` and checks it. The folder stays, with the files as the queue
 * left them after opening them, so that the caller can keep a failed image for inspection.
 */
export async function checkImage(dir: string, image: QueueImage): Promise<ImageCheck> {
  mkdirSync(dir);
  const path = join(dir, 'queue.db');
  writeFileSync(path, image.db);
  if (image.wal.length > 0) writeFileSync(`${path}-wal`, image.wal);
  return await checkQueueFile(path);
}

async function checkQueueFile(path: string): Promise<ImageCheck> {
  let queue: DurableQueue;
  try {
    queue = new DurableQueue({ path, outputs: [OUTPUT] });
  } catch (error) {
    return { sequences: 0, failures: [`open failed: ${(error as Error).message}`] };
  }
  const failures: string[] = [];
  try {
    const integrity = integrityCheck(path);
    if (integrity !== 'ok') failures.push(`integrity_check returned: ${integrity}`);
    const points = readPoints(queue, failures);
    if (points === undefined) return { sequences: 0, failures };
    return { sequences: checkRun(points, queue.cursorOf(OUTPUT), failures), failures };
  } finally {
    await queue.close();
  }
}

/** Runs `PRAGMA integrity_check` on a second connection, so that the check does not depend on queue internals. */
function integrityCheck(path: string): string {
  const db = new Database(path);
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/**
 * Reads every point with `readPage` in row order and records points that do not decode whole. Returns
 * undefined when a page cannot be read at all.
 */
function readPoints(queue: DurableQueue, failures: string[]): ReadPoint[] | undefined {
  const points: ReadPoint[] = [];
  let after = 0;
  let badPoints = 0;
  for (;;) {
    let page: ReturnType<DurableQueue['readPage']>;
    try {
      page = queue.readPage(after, PAGE_POINTS);
    } catch (error) {
      failures.push(`readPage after row ${after} failed: ${(error as Error).message}`);
      return undefined;
    }
    if (page.length === 0) break;
    for (const point of page) {
      const problem = readingProblem(point.reading);
      if (problem !== undefined) badPoints += 1;
      if (problem !== undefined && badPoints <= MAX_LISTED_PROBLEMS) failures.push(`row ${point.id}: ${problem}`);
      points.push({ id: point.id, sequence: point.reading.sequence ?? Number.NaN });
    }
    after = page.at(-1)?.id ?? after;
  }
  if (badPoints > MAX_LISTED_PROBLEMS) failures.push(`${badPoints - MAX_LISTED_PROBLEMS} more bad points not listed`);
  return points;
}

/** Describes what is missing or inconsistent in a reading written by the power-loss writer. */
function readingProblem(reading: Reading): string | undefined {
  const { sequence, fields } = reading;
  if (!Number.isInteger(sequence)) return `sequence ${String(sequence)} is not an integer`;
  if (fields.seq !== sequence) return `field seq ${String(fields.seq)} differs from sequence ${sequence}`;
  if (!reading.integer_fields.has('seq')) return `reading ${sequence} lost its integer field list`;
  const note = fields.note;
  if (typeof note !== 'string' || note.length !== fields.note_chars) {
    return `reading ${sequence} has a note of ${typeof note === 'string' ? note.length : 'no'} characters, expected ${String(fields.note_chars)}`;
  }
  return undefined;
}

/**
 * Checks that the points start right after the acknowledged rows (row `cursor_id` + 1, or sequence 1 when
 * nothing was acknowledged) and that their sequence numbers then rise by one. Row ids have no gaps because
 * the queue table is AUTOINCREMENT and the writer's transactions never roll back. Returns N, or the last
 * sequence before the first break.
 */
function checkRun(points: readonly ReadPoint[], cursor_id: number, failures: string[]): number {
  const first = points[0];
  if (first === undefined) {
    if (cursor_id > 0) failures.push(`no rows after acknowledged row ${cursor_id}; the writer always leaves some`);
    return 0;
  }
  if (cursor_id === 0 && first.sequence !== 1) {
    failures.push(`nothing acknowledged, but the first sequence is ${first.sequence}, expected 1`);
  }
  if (cursor_id > 0 && first.id !== cursor_id + 1) {
    failures.push(`first row is ${first.id}, expected ${cursor_id + 1} right after the acknowledged rows`);
  }
  for (let index = 1; index < points.length; index++) {
    const expected = (points[index - 1] as ReadPoint).sequence + 1;
    const point = points[index] as ReadPoint;
    if (point.sequence !== expected) {
      failures.push(
        `sequence ${point.sequence} in row ${point.id}, expected ${expected} (gap, duplicate or reordering)`,
      );
      return expected - 1;
    }
  }
  return (points.at(-1) as ReadPoint).sequence;
}
