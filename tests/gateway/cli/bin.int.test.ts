import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('coldpool bin', () => {
  it('runs through npx after the build', () => {
    // `npm ci` builds dist/ through the prepare script, and the README runs every command with npx.
    const result = spawnSync('npx', ['--no-install', 'coldpool', '--help'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).not.toContain('Permission denied');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: coldpool');
  });
});
