/**
 * Power-loss images of the durable queue. A child process writes numbered readings in commits of random
 * size and acknowledges old rows as an output would. At random moments the test stops it with SIGSTOP,
 * copies the -wal file and then the database file, and resumes it; once more after SIGKILL. Each copy,
 * and torn variants of its WAL, is opened with `DurableQueue` and must read back as whole readings whose
 * sequence numbers run without a gap from the first unacknowledged one to N. Untorn copies must also
 * reach every reading the child reported durable before the copy, and torn ones must not pass their
 * untorn copy.
 *
 * Set COLDPOOL_POWER_LOSS_SEED to replay a seed: it fixes the commit sizes, the copy times and the tear
 * offsets, but how far the child got at a copy time depends on the machine's speed.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../scheduler/common/random.js';
import { PowerLossChild } from './support/power-loss-child.js';
import { checkImage } from './support/queue-image-check.js';
import { type QueueSnapshot, readSnapshot, whilePaused } from './support/queue-snapshot.js';
import { type ImageKind, type QueueImage, tornImages } from './support/torn-images.js';

const SEED = Number(process.env.COLDPOOL_POWER_LOSS_SEED ?? randomInt(2 ** 31));
if (!Number.isSafeInteger(SEED)) {
  throw new Error(`COLDPOOL_POWER_LOSS_SEED=${process.env.COLDPOOL_POWER_LOSS_SEED} is invalid. Set it to an integer.`);
}
/** Copies taken while the child writes. */
const LIVE_COPIES = 20;
/** Torn images made from each copy. */
const TORN_PER_COPY = 8;
/** Time the child writes before the SIGKILL, in milliseconds. */
const RUN_MS = 5000;
const KINDS: readonly ImageKind[] = ['copy_live', 'copy_killed', 'truncated', 'torn_sector'];

/** A snapshot and the highest sequence the child had reported durable before it was taken. */
interface Copy {
  kind: 'copy_live' | 'copy_killed';
  snapshot: QueueSnapshot;
  durable_before: number;
}

/** Counts per image kind. */
interface KindTally {
  images: number;
  min_sequences: number;
  max_sequences: number;
  failures: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the child for `RUN_MS`, copying its queue files at random moments, then once after SIGKILL. */
async function takeCopies(path: string, random: Random): Promise<Copy[]> {
  const child = new PowerLossChild(path, SEED);
  const copies: Copy[] = [];
  try {
    await child.waitDurable(1, 20_000);
    const started = Date.now();
    const times = Array.from({ length: LIVE_COPIES }, () => random.int(RUN_MS)).sort((a, b) => a - b);
    for (const time of times) {
      await sleep(Math.max(0, started + time - Date.now()));
      const durableBefore = child.durable;
      const snapshot = await whilePaused(child.pid, () => readSnapshot(path));
      copies.push({ kind: 'copy_live', snapshot, durable_before: durableBefore });
    }
    await sleep(Math.max(0, started + RUN_MS - Date.now()));
  } finally {
    await child.kill();
  }
  copies.push({ kind: 'copy_killed', snapshot: readSnapshot(path), durable_before: child.durable });
  return copies;
}

function record(tally: Map<ImageKind, KindTally>, kind: ImageKind, sequences: number, failed: boolean): void {
  const entry = tally.get(kind) ?? { images: 0, min_sequences: Infinity, max_sequences: 0, failures: 0 };
  entry.images += 1;
  entry.min_sequences = Math.min(entry.min_sequences, sequences);
  entry.max_sequences = Math.max(entry.max_sequences, sequences);
  if (failed) entry.failures += 1;
  tally.set(kind, entry);
}

function printTally(tally: Map<ImageKind, KindTally>, copies: readonly Copy[]): void {
  const lines = [`queue power loss, seed ${SEED}: kind, images, min N, max N, failures (N: last sequence read back)`];
  for (const kind of KINDS) {
    const entry = tally.get(kind);
    if (entry === undefined) continue;
    lines.push(`  ${kind}: ${entry.images}, ${entry.min_sequences}, ${entry.max_sequences}, ${entry.failures}`);
  }
  const restarted = copies.filter((copy) => copy.snapshot.wal_restarts > 0).length;
  const checkpointed = copies.filter((copy) => copy.snapshot.tear_floor > 0).length;
  lines.push(`  copies taken after the first WAL restart: ${restarted} of ${copies.length}`);
  lines.push(`  copies taken between a checkpoint and the next WAL restart: ${checkpointed} of ${copies.length}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

describe('queue-power-loss', () => {
  it('reads every image as an unbroken run', async () => {
    process.stdout.write(`queue power loss: seed ${SEED} (replay with COLDPOOL_POWER_LOSS_SEED=${SEED})\n`);
    const random = new Random(SEED);
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-power-loss-'));
    const copies = await takeCopies(join(dir, 'queue.db'), random);

    const tally = new Map<ImageKind, KindTally>();
    const damaged: string[] = [];
    const lostDurable: string[] = [];
    const grewWhenTorn: string[] = [];
    let imageNumber = 0;
    for (const copy of copies) {
      const untorn: QueueImage = { kind: copy.kind, db: copy.snapshot.db, wal: copy.snapshot.wal, detail: 'untorn' };
      let untornSequences = 0;
      for (const image of [untorn, ...tornImages(copy.snapshot, random, TORN_PER_COPY)]) {
        imageNumber += 1;
        const imageDir = join(dir, `image-${imageNumber}`);
        const check = await checkImage(imageDir, image);
        const label = `seed ${SEED}, ${image.kind} image ${imageNumber} (${image.detail}, kept in ${imageDir})`;
        let failed = check.failures.length > 0;
        if (failed) damaged.push(`${label}: ${check.failures.join('; ')}`);
        if (image === untorn) {
          untornSequences = check.sequences;
          if (check.sequences < copy.durable_before) {
            lostDurable.push(
              `${label}: read back up to ${check.sequences}, but ${copy.durable_before} was reported durable`,
            );
            failed = true;
          }
        } else if (check.sequences > untornSequences) {
          grewWhenTorn.push(
            `${label}: read back up to ${check.sequences}, but its untorn copy only up to ${untornSequences}`,
          );
          failed = true;
        }
        record(tally, image.kind, check.sequences, failed);
        if (!failed) rmSync(imageDir, { recursive: true, force: true });
      }
    }
    printTally(tally, copies);

    if (damaged.length + lostDurable.length + grewWhenTorn.length === 0) rmSync(dir, { recursive: true, force: true });

    expect(copies.at(-1)?.durable_before).toBeGreaterThan(1000);
    for (const kind of KINDS) expect(tally.get(kind)?.images, kind).toBeGreaterThan(0);
    expect(damaged).toEqual([]);
    expect(lostDurable).toEqual([]);
    expect(grewWhenTorn).toEqual([]);
  });
});
