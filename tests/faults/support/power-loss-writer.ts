/**
 * Child process for the queue power-loss test. It enqueues readings numbered 1, 2, 3... in commits of
 * seeded random size (1 to 1500 readings) until it is killed. After each `done` callback it prints the
 * highest sequence number up to which every reading is durable, one number per line on stdout. Like an
 * output, it acknowledges the oldest rows once more than `BACKLOG_POINTS` readings are queued, so that
 * the queue deletes rows and SQLite reuses their pages.
 * Usage: power-loss-writer.ts QUEUE_PATH SEED
 */
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import type { Reading } from '../../../gateway/reading.js';
import { Random } from '../../../scheduler/common/random.js';

const [path, seedText] = process.argv.slice(2);
if (path === undefined || seedText === undefined) throw new Error('usage: power-loss-writer.ts QUEUE_PATH SEED');
const random = new Random(Number(seedText));
const queue = new DurableQueue({ path, outputs: ['influx'] });

/** Queued readings above which the writer acknowledges a page. */
const BACKLOG_POINTS = 8000;

/** Sequence ranges whose `done` ran while a lower range was still pending, keyed by their first number. */
const doneRanges = new Map<number, number>();
let durable = 0;
let nextSequence = 1;
/** Highest row id acknowledged, and the highest sequence number in the rows up to it. */
let ackedId = 0;
let ackedSequence = 0;

/**
 * Builds reading `sequence`. The `note` string of seeded random length (its length is `note_chars`) makes
 * rows of very different sizes, so commits span from part of one page to many overflow pages.
 */
function reading(sequence: number): Reading {
  const noteChars = random.int(120);
  return {
    measurement: 'cold_room',
    tags: { site: 'site_1', asset: 'room_1', device: 'power_loss_writer' },
    fields: { air_temp_c: 2 + random.next(), seq: sequence, note_chars: noteChars, note: 'x'.repeat(noteChars) },
    integer_fields: new Set(['seq', 'note_chars']),
    time_ms: 1_764_864_000_000 + sequence,
    time_source: 'source',
    sequence,
  };
}

/** Records that readings `first`..`last` are durable and prints the new durable prefix when it grows. */
function markDone(first: number, last: number): void {
  doneRanges.set(first, last);
  const before = durable;
  for (let end = doneRanges.get(durable + 1); end !== undefined; end = doneRanges.get(durable + 1)) {
    doneRanges.delete(durable + 1);
    durable = end;
  }
  if (durable > before) process.stdout.write(`${durable}\n`);
}

/** Draws a commit size: mostly small commits, some of a few hundred readings, a few of up to 1500. */
function commitSize(): number {
  const draw = random.next();
  if (draw < 0.4) return 1 + random.int(5);
  if (draw < 0.85) return 6 + random.int(200);
  return 200 + random.int(1300);
}

/** Enqueues one commit's readings in one to three `enqueue` calls, then commits them. */
async function writeCommit(): Promise<void> {
  const size = commitSize();
  const calls = Math.min(size, 1 + random.int(3));
  const first = nextSequence;
  for (let call = 0; call < calls; call++) {
    const count = call === calls - 1 ? first + size - nextSequence : Math.floor(size / calls);
    const start = nextSequence;
    const readings = Array.from({ length: count }, (_, index) => reading(start + index));
    nextSequence += count;
    queue.enqueue(readings, () => markDone(start, start + count - 1));
  }
  await queue.commit();
}

/** Acknowledges the rows of one page of 1 to 4000 points when the backlog exceeds `BACKLOG_POINTS`. */
async function acknowledgeBacklog(): Promise<void> {
  if (durable - ackedSequence <= BACKLOG_POINTS) return;
  const page = queue.readPage(ackedId, 1 + random.int(4000));
  const last = page.at(-1);
  if (last === undefined) return;
  await queue.acknowledge('influx', last.id);
  ackedId = last.id;
  ackedSequence = last.reading.sequence ?? ackedSequence;
}

/** Writes commits until the process is killed, with a pause of 0 to 29 ms between them. */
async function run(): Promise<void> {
  for (;;) {
    await writeCommit();
    await acknowledgeBacklog();
    await new Promise((resolve) => setTimeout(resolve, random.int(30)));
  }
}

await run();
