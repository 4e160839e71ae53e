/**
 * Lock file of the durable queue: `<queue file>.lock`, containing the owner's process id. Two gateways on
 * one queue file would both send its rows and delete rows by their own cursors, so the second one stops
 * with an error. A lock of an exited process, or of this one, is stale and taken over, so a crash never
 * leaves the queue locked.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { QueueError } from './queue-errors.js';

/** Returns true when a process with this id runs, also one of another user that `kill` may not signal. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns the process id written in a lock file, or undefined when the file is missing or unreadable. */
function ownerOf(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file unless it exists; returns false when it exists. */
function createLock(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock of one queue file, held from `acquire` until `release`. */
export class QueueLock {
  readonly path: string;

  constructor(queue_path: string) {
    this.path = `${queue_path}.lock`;
  }

  /**
   * Takes the lock, replacing a stale one. Throws `QueueError` (`QUEUE_LOCKED`) when another running
   * process holds it, and `QUEUE_OPEN_FAILED` when the lock file cannot be written.
   */
  acquire(): void {
    try {
      // Two tries: the second follows the removal of a stale lock, which another process may win.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        if (createLock(this.path)) return;
        const owner = ownerOf(this.path);
        if (owner !== undefined && owner !== process.pid && processRuns(owner)) {
          throw new QueueError(
            'QUEUE_LOCKED',
            `queue file ${this.path.slice(0, -'.lock'.length)} is in use by process ${owner}; stop that gateway or give this one its own outputs.queue.path (if no gateway runs, delete ${this.path})`,
          );
        }
        unlinkSync(this.path);
      }
    } catch (error) {
      if (error instanceof QueueError) throw error;
      throw new QueueError(
        'QUEUE_OPEN_FAILED',
        `locking queue file: ${(error as Error).message}; check that the folder of ${this.path} is writable`,
      );
    }
    throw new QueueError(
      'QUEUE_LOCKED',
      `queue lock ${this.path} was taken by another process while this one opened it; stop the other gateway`,
    );
  }

  /** Removes the lock file when this process owns it. */
  release(): void {
    if (ownerOf(this.path) !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
