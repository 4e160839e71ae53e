/**
 * Makes the commits of a SQLite database in WAL mode durable without blocking the event loop. The
 * database runs with `synchronous=NORMAL`, so a commit only writes its frames to the -wal file. This
 * class then calls fdatasync on that file from libuv's thread pool (SQLite's own WAL syncs on Linux use
 * fdatasync too: it flushes the data and the file size, not the times), and once it returns runs the callbacks
 * of every commit made before the fsync started. One fsync covers all commits made while the previous
 * one ran (group commit). `synchronous=FULL` gives the same guarantee with one fsync per commit inside
 * the commit call. SQLite's WAL frames carry checksums. Frames torn by a power cut are therefore
 * ignored on recovery, and a commit is either whole or absent ("Write-Ahead Logging" and "PRAGMA
 * synchronous" in the SQLite documentation; fsync(2)).
 */
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Handler of a failed sync. The commits stay in the database file but may not survive a power cut. */
export type SyncFailure = (error: Error) => void;

export class WalSync {
  private fd: number | undefined;
  private directorySynced = false;
  /** Callbacks of commits made since the running fsync started. */
  private waiting: (() => void)[] = [];
  private running = false;
  private closed = false;

  /** `path` is the database file; an in-memory database (`:memory:` or '') needs no sync. */
  constructor(
    private readonly path: string,
    private readonly onFailure: SyncFailure,
  ) {}

  private get inMemory(): boolean {
    return this.path === '' || this.path === ':memory:';
  }

  /** Runs `callback` once every commit made so far is on disk. */
  afterSync(callback: () => void): void {
    if (this.inMemory || this.closed) {
      setImmediate(callback);
      return;
    }
    this.waiting.push(callback);
    if (!this.running) this.start();
  }

  /** True while commits wait for their fsync. */
  get busy(): boolean {
    return this.running || this.waiting.length > 0;
  }

  /** Syncs what is left in this thread, runs the waiting callbacks and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const callbacks = this.waiting;
    this.waiting = [];
    if (!this.inMemory && callbacks.length > 0) this.syncNow();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    for (const callback of callbacks) callback();
  }

  private start(): void {
    const batch = this.waiting;
    this.waiting = [];
    let fd: number;
    try {
      fd = this.open();
    } catch (error) {
      this.onFailure(error as Error);
      for (const callback of batch) callback();
      return;
    }
    this.running = true;
    fdatasync(fd, (error) => {
      this.running = false;
      if (error) this.onFailure(error);
      for (const callback of batch) callback();
      if (this.waiting.length > 0 && !this.closed) this.start();
    });
  }

  private syncNow(): void {
    try {
      fdatasyncSync(this.open());
    } catch (error) {
      this.onFailure(error as Error);
    }
  }

  /**
   * Opens the -wal file on first use. SQLite creates it with the first write and keeps the same file
   * (it resets it in place) until the last connection closes. The folder is synced once so that the
   * file's directory entry survives a power cut too.
   */
  private open(): number {
    if (this.fd !== undefined) return this.fd;
    this.fd = openSync(`${this.path}-wal`, 'r');
    if (!this.directorySynced) {
      const directory = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
      this.directorySynced = true;
    }
    return this.fd;
  }
}
