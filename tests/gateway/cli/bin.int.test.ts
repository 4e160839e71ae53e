import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('coldpool bin', () => {
  it('runs through ./coldpool after the build', () => {
    // `npm ci` builds dist/ through the prepare script, and the README runs every command as ./coldpool.
    const result = spawnSync(join(root, 'coldpool'), ['--help'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: coldpool');
  });

  it('package bin is executable', () => {
    // An installed package runs the file that package.json names as `bin`, which needs its execute bit.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { coldpool: string } };
    const mode = statSync(join(root, pkg.bin.coldpool)).mode;
    expect(mode & 0o111).not.toBe(0);
  });

  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = spawnSync(join(root, 'coldpool'), ['--version'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });
});
