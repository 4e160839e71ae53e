/**
 * Torn power-loss images of a queue snapshot. A `truncated` image lost the tail of its write-ahead log.
 * A `torn_sector` image also ends in 1 to 4 KiB of random bytes, as when the disk completed only part of
 * its last writes. Tears stay at or above the snapshot's `tear_floor`.
 */
import type { Random } from '../../../scheduler/common/random.js';
import type { QueueSnapshot } from './queue-snapshot.js';

/** How an image was made from its snapshot. */
export type ImageKind = 'copy_live' | 'copy_killed' | 'truncated' | 'torn_sector';

/** Queue files to open, and how they were made. */
export interface QueueImage {
  kind: ImageKind;
  db: Buffer;
  wal: Buffer;
  /** Sizes and offsets of the tear in bytes, printed with a failure so that it can be read without a replay. */
  detail: string;
}

/** Garbage at the end of a torn-sector image: 1 KiB to 4 KiB. */
const MIN_GARBAGE_BYTES = 1024;
const MAX_GARBAGE_BYTES = 4096;

/**
 * Makes `torn_count` torn images of `snapshot`, alternating `truncated` and `torn_sector`, each truncated
 * at a random offset between `tear_floor` and the end of the WAL. Half of the torn-sector images keep the
 * whole WAL and only overwrite its end.
 */
export function tornImages(snapshot: QueueSnapshot, random: Random, torn_count: number): QueueImage[] {
  const images: QueueImage[] = [];
  const floor = snapshot.tear_floor;
  const span = snapshot.wal.length - floor;
  for (let index = 0; index < torn_count; index++) {
    const offset = floor + random.int(span + 1);
    if (index % 2 === 0) {
      images.push({
        kind: 'truncated',
        db: snapshot.db,
        wal: Buffer.from(snapshot.wal.subarray(0, offset)),
        detail: `WAL of ${snapshot.wal.length} bytes truncated at ${offset} (tear floor ${floor})`,
      });
      continue;
    }
    const end = random.next() < 0.5 ? snapshot.wal.length : offset;
    const garbageBytes = MIN_GARBAGE_BYTES + random.int(MAX_GARBAGE_BYTES - MIN_GARBAGE_BYTES + 1);
    const start = Math.max(floor, end - garbageBytes);
    const wal = Buffer.from(snapshot.wal.subarray(0, end));
    for (let position = start; position < end; position++) wal[position] = random.int(256);
    images.push({
      kind: 'torn_sector',
      db: snapshot.db,
      wal,
      detail: `WAL of ${snapshot.wal.length} bytes truncated at ${end}, garbage in [${start}, ${end}) (tear floor ${floor})`,
    });
  }
  return images;
}
