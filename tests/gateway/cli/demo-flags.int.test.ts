import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** Runs `coldpool demo` with a throwaway store, a free broker port and `args`. */
function runDemo(args: string[]) {
  const store = join(mkdtempSync(join(tmpdir(), 'coldpool-demo-flags-')), 'demo.db');
  return runCli(['demo', '--mqtt-port', '0', '--duration', '1', '--store', store, ...args], { timeout_ms: 30_000 });
}

describe('coldpool demo flags', () => {
  it('names --interval-ms 0 instead of a config key', async () => {
    const run = await runDemo(['--interval-ms', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'coldpool: --interval-ms "0" is invalid: give a whole number of milliseconds from 1 to 86400000\n',
    );
    expect(run.stdout).toBe('');
  });

  it('offers a loopback --http address', async () => {
    const run = await runDemo(['--http', '0.0.0.0:18081']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^coldpool: --http "0\.0\.0\.0:18081" is not allowed: /);
    expect(run.stderr).toContain('use --http 127.0.0.1:18081');
    expect(run.stderr).not.toContain('http.host');
  });
});
