import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStoreDirectory, STORE_DIRECTORY_MODE } from '../../gateway/store-directory.js';

const isRoot = process.getuid?.() === 0;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'coldpool-store-directory-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Runs `createStoreDirectory(storePath, 'outputs.local_store.path')` in a child node process that is killed after `timeoutMs`. */
function createInChild(storePath: string, timeoutMs: number) {
  const moduleUrl = new URL('../../gateway/store-directory.ts', import.meta.url).href;
  const script = [
    `const { createStoreDirectory } = await import(${JSON.stringify(moduleUrl)});`,
    'try {',
    `  createStoreDirectory(${JSON.stringify(storePath)}, 'outputs.local_store.path');`,
    "  process.stdout.write('created');",
    '} catch (error) {',
    '  process.stdout.write(error.message);',
    '}',
  ].join('\n');
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
}

describe('createStoreDirectory', () => {
  it('creates nested levels', () => {
    const folder = tempFolder();
    const storePath = join(folder, 'a', 'b', 'c', 'store.db');
    createStoreDirectory(storePath, 'outputs.local_store.path');
    for (const level of [join(folder, 'a'), join(folder, 'a', 'b'), join(folder, 'a', 'b', 'c')]) {
      const stats = statSync(level);
      expect(stats.isDirectory()).toBe(true);
      expect(stats.mode & 0o777).toBe(STORE_DIRECTORY_MODE & ~process.umask());
    }
  });

  it('accepts an existing directory', () => {
    const folder = tempFolder();
    mkdirSync(join(folder, 'data'), { mode: 0o755 });
    createStoreDirectory(join(folder, 'data', 'store.db'), 'outputs.local_store.path');
    expect(statSync(join(folder, 'data')).mode & 0o777).toBe(0o755 & ~process.umask());
  });

  it('names a file in the way', () => {
    const folder = tempFolder();
    const file = join(folder, 'data');
    writeFileSync(file, '');
    const storePath = join(file, 'sub', 'store.db');
    const create = () => createStoreDirectory(storePath, 'outputs.local_store.path');
    expect(create).toThrow(`store file ${storePath}: cannot create directory ${join(file, 'sub')}:`);
    expect(create).toThrow(`${file} is not a directory (ENOTDIR)`);
    expect(create).toThrow('set outputs.local_store.path to a path on a writable file system');
  });

  it.skipIf(isRoot)('names a parent without write permission', () => {
    // Skipped as root, because root creates directories in a parent of any mode.
    const folder = tempFolder();
    chmodSync(folder, 0o555);
    cleanups.push(() => chmodSync(folder, 0o755));
    const storePath = join(folder, 'data', 'store.db');
    const create = () => createStoreDirectory(storePath, 'alarms.store_path');
    expect(create).toThrow(`store file ${storePath}: cannot create directory ${join(folder, 'data')}:`);
    expect(create).toThrow('permission denied (EACCES)');
    expect(create).toThrow('set alarms.store_path to a path on a writable file system');
  });

  it.runIf(isRoot)('names a read-only file system', () => {
    // Mounting needs root, which is also why the permission test above cannot run here.
    const source = tempFolder();
    const view = tempFolder();
    execFileSync('mount', ['--bind', source, view]);
    cleanups.push(() => execFileSync('umount', ['-l', view]));
    execFileSync('mount', ['-o', 'remount,bind,ro', view]);
    const storePath = join(view, 'data', 'store.db');
    const create = () => createStoreDirectory(storePath, 'planning.store_path');
    expect(create).toThrow(`store file ${storePath}: cannot create directory ${join(view, 'data')}:`);
    expect(create).toThrow('the file system is read-only (EROFS)');
  });

  it('returns an error for /proc instead of hanging', () => {
    // Recursive mkdirSync never returns for this path on Node 20.20.2, so the call runs in a child that
    // is killed after 20 s, and the test fails instead of hanging.
    const child = createInChild('/proc/coldpool-test-nope/x/store.db', 20_000);
    expect(child.error).toBeUndefined();
    expect(child.signal).toBeNull();
    expect(child.stdout).toContain(
      'store file /proc/coldpool-test-nope/x/store.db: cannot create directory /proc/coldpool-test-nope:',
    );
    expect(child.stdout).toContain('(ENOENT)');
  });
});
