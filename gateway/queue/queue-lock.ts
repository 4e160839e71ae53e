/**
 * Lock file of the durable queue: `<queue file>.lock`, containing the owner's process id and, on Linux,
 * the boot id and the process's start time. Two gateways on one queue file would both send its rows and
 * delete rows by their own cursors, so the second one stops with an error. A lock of an exited process,
 * of this one, of an earlier boot, or whose process id now belongs to a process started later is stale
 * and taken over, so neither a crash nor a reboot leaves the queue locked.
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

/** Reads a file of /proc, or returns undefined where there is none (not Linux). */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Returns the id of this boot of the machine (Linux), which changes at every reboot. */
function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim();
}

/** Returns the fields of /proc/PID/stat after the command name (field 3 onward), or undefined. */
function statFields(pid: number): string[] | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  // The command name, in parentheses, may contain spaces, so the fields are counted after its closing one.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Returns a process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined. */
function startTimeOf(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** Returns true for a process that has exited but whose parent has not collected it yet (state Z or X). */
function hasExited(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

/** The owner recorded in a lock file. */
interface LockOwner {
  pid: number;
  boot_id?: string;
  start_time?: string;
}

/** Returns the owner written in a lock file, or undefined when the file is missing or unreadable. */
function ownerOf(lockPath: string): LockOwner | undefined {
  const text = readProc(lockPath);
  if (text === undefined) return undefined;
  const [pidText, boot_id, start_time] = text.split('\n');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, ...(boot_id ? { boot_id } : {}), ...(start_time ? { start_time } : {}) };
}

/** Returns true when the recorded owner is a process that still runs: same boot, same start time. */
function ownerRuns(owner: LockOwner): boolean {
  if (owner.pid === process.pid || !processRuns(owner.pid) || hasExited(owner.pid)) return false;
  const boot = bootId();
  if (owner.boot_id !== undefined && boot !== undefined && owner.boot_id !== boot) return false;
  const started = startTimeOf(owner.pid);
  return owner.start_time === undefined || started === undefined || owner.start_time === started;
}

/** Returns the text of this process's lock: its id, and on Linux the boot id and its start time. */
function lockText(): string {
  const lines = [String(process.pid), bootId(), startTimeOf(process.pid)].filter((line) => line !== undefined);
  return `${lines.join('\n')}\n`;
}

/** Creates the lock file unless it exists; returns false when it exists. */
function createLock(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, lockText());
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock of one queue file, held from `acquire` until `release`. */
export class QueueLock {
  readonly path: string;
  /** The stale owner whose lock `acquire` replaced, for the log; undefined when there was none. */
  takenOver: LockOwner | undefined;

  /**
   * `path_setting` is the configuration key or command-line option that set `queue_path`. The error of a
   * held lock names it, so that the user knows how to give a second process its own queue file.
   */
  constructor(
    queue_path: string,
    private readonly path_setting = 'outputs.queue.path',
  ) {
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
        if (owner !== undefined && ownerRuns(owner)) {
          const queue_path = this.path.slice(0, -'.lock'.length);
          throw new QueueError(
            'QUEUE_LOCKED',
            `queue file ${queue_path} is in use by process ${owner.pid}; stop that process or give this one its own ${this.path_setting} (if no such process runs, delete ${this.path})`,
            { pid: owner.pid, queue_path, lock_path: this.path },
          );
        }
        this.takenOver = owner;
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
      `queue lock ${this.path} was taken by another process while this one opened it; stop that process or give this one its own ${this.path_setting}`,
    );
  }

  /** Removes the lock file when this process owns it. */
  release(): void {
    if (ownerOf(this.path)?.pid !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
