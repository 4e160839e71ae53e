/**
 * Copies of a SQLite queue file and its write-ahead log taken at one instant, for power-loss images.
 * Layouts of the -wal and -shm files and the checkpoint order follow SQLite's src/wal.c (`WalCkptInfo`,
 * the wal-index header diagram, `walCheckpoint`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';

/** The queue's files as they were at one instant. */
export interface QueueSnapshot {
  /** Content of the -wal file, or empty when there was none. */
  wal: Buffer;
  /** Content of the database file. */
  db: Buffer;
  /**
   * Byte offset in `wal` below which a power cut cannot tear it: the end of the frames a checkpoint has
   * started copying into the database file. With `synchronous` NORMAL or FULL, SQLite syncs the WAL before
   * it writes any of those frames to the database file, so an image torn below this offset is not one a
   * power cut can leave.
   */
  tear_floor: number;
  /** Checkpoint sequence number from the WAL header: how often SQLite restarted the WAL after a checkpoint. */
  wal_restarts: number;
}

/** Size of the WAL file header. */
const WAL_HEADER_BYTES = 32;
/** Size of the header in front of each WAL frame. */
const WAL_FRAME_HEADER_BYTES = 24;
/** Offset in the -shm file of `nBackfill`: frames copied into the database file. */
const SHM_BACKFILL_OFFSET = 96;
/** Offset in the -shm file of `nBackfillAttempted`: frames a checkpoint has started to copy. */
const SHM_BACKFILL_ATTEMPTED_OFFSET = 128;

/**
 * Reads the -wal file, then the database file, then the -shm file of the queue at `path`. The caller
 * stops every writer first (`whilePaused`), because a checkpoint between two reads would give files from
 * two different moments, which no crash can leave.
 */
export function readSnapshot(path: string): QueueSnapshot {
  const walPath = `${path}-wal`;
  const shmPath = `${path}-shm`;
  const wal = existsSync(walPath) ? readFileSync(walPath) : Buffer.alloc(0);
  const db = readFileSync(path);
  const shm = existsSync(shmPath) ? readFileSync(shmPath) : Buffer.alloc(0);
  const walRestarts = wal.length >= WAL_HEADER_BYTES ? wal.readUInt32BE(12) : 0;
  return { wal, db, tear_floor: tearFloor(wal, shm), wal_restarts: walRestarts };
}

/** Returns the byte offset in `wal` where the frames a checkpoint may have copied end. */
function tearFloor(wal: Buffer, shm: Buffer): number {
  if (wal.length < WAL_HEADER_BYTES || shm.length < SHM_BACKFILL_ATTEMPTED_OFFSET + 4) return 0;
  // The -shm file is in the byte order of the machine. The WAL header is big-endian.
  const readShm = endianness() === 'LE' ? shm.readUInt32LE.bind(shm) : shm.readUInt32BE.bind(shm);
  const frames = Math.max(readShm(SHM_BACKFILL_OFFSET), readShm(SHM_BACKFILL_ATTEMPTED_OFFSET));
  // With no frame copied yet, the database file is whole without the WAL, so even the header may tear.
  if (frames === 0) return 0;
  const pageBytes = wal.readUInt32BE(8);
  return Math.min(wal.length, WAL_HEADER_BYTES + frames * (WAL_FRAME_HEADER_BYTES + pageBytes));
}

/**
 * Stops process `pid` with SIGSTOP, waits until each of its threads is stopped, runs `action`, and
 * resumes the process with SIGCONT, also when `action` throws.
 */
export async function whilePaused<T>(pid: number, action: () => T): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    await waitStopped(pid);
    return action();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** Polls /proc until every thread of `pid` is in state T (stopped). Throws after 2 s. */
async function waitStopped(pid: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!allThreadsStopped(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within 2 s of SIGSTOP`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((thread) => {
    const stat = readThreadStat(`/proc/${pid}/task/${thread}/stat`);
    // A thread that exited between the listing and this read has nothing left to stop.
    if (stat === undefined) return true;
    // The state letter follows the command name, which is in parentheses and may contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't';
  });
}

function readThreadStat(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
