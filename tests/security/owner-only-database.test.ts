import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOwnerOnlyDatabase } from '../../gateway/security/owner-only-file.js';

const isRoot = process.getuid?.() === 0;
const cleanups: (() => void)[] = [];

afterEach(() => {
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'coldpool-owner-db-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/**
 * Returns a read-only view of `source`: a read-only bind mount when the test runs as root, because root
 * ignores file modes, and otherwise `source` itself with its write permission taken away.
 */
function readOnlyView(source: string): string {
  if (!isRoot) {
    chmodSync(source, 0o555);
    cleanups.push(() => chmodSync(source, 0o755));
    return source;
  }
  const view = tempFolder();
  execFileSync('mount', ['--bind', source, view]);
  // A lazy unmount also detaches a view that a failed test left a database open on.
  cleanups.push(() => execFileSync('umount', ['-l', view]));
  execFileSync('mount', ['-o', 'remount,bind,ro', view]);
  return view;
}

describe('openOwnerOnlyDatabase', () => {
  it('names a missing directory', () => {
    const path = join(tempFolder(), 'missing', 'queue.db');
    expect(() => openOwnerOnlyDatabase(path)).toThrow(`database ${path}: directory`);
    expect(() => openOwnerOnlyDatabase(path)).toThrow('does not exist; create it');
  });

  it('names a read-only directory', () => {
    const folder = readOnlyView(tempFolder());
    const path = join(folder, 'queue.db');
    expect(() => openOwnerOnlyDatabase(path)).toThrow(`database ${path}: directory ${folder}`);
    expect(() => openOwnerOnlyDatabase(path)).toThrow(isRoot ? 'read-only file system' : 'is not writable');
  });

  it('names a file in a read-only directory', () => {
    const source = tempFolder();
    mkdirSync(join(source, 'data'));
    writeFileSync(join(source, 'data', 'store.db'), '');
    const folder = join(readOnlyView(source), 'data');
    const path = join(folder, 'store.db');
    expect(() => openOwnerOnlyDatabase(path)).toThrow(`database ${path}:`);
    expect(() => openOwnerOnlyDatabase(path)).toThrow('writable directory');
  });

  it('opens a database in a writable directory', () => {
    const path = join(tempFolder(), 'store.db');
    const db = openOwnerOnlyDatabase(path);
    expect(db.pragma('journal_mode = WAL', { simple: true })).toBe('wal');
    db.close();
  });
});
