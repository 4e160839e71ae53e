import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueLock } from '../../../gateway/queue/queue-lock.js';
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

describe('coldpool demo on a locked store', () => {
  it('names --store in the lock error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-demo-lock-'));
    const store = join(dir, 'demo.db');
    // This test process holds the queue lock, as a running demo on the same --store would.
    const lock = new QueueLock(join(dir, 'queue.db'));
    lock.acquire();
    try {
      const run = await runCli(['demo', '--mqtt-port', '0', '--duration', '1', '--store', store], {
        timeout_ms: 30_000,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`coldpool: queue file ${join(dir, 'queue.db')}, kept beside --store ${store}`);
      expect(run.stderr).toContain(`is in use by process ${process.pid}`);
      expect(run.stderr).toContain('give this demo a --store in another folder');
      expect(run.stderr).not.toContain('outputs.queue.path');
    } finally {
      lock.release();
    }
  });
});

describe('coldpool demo stop', () => {
  it('stops without device down warnings', async () => {
    // Polls every 20 ms, so a controller stopped before the gateway would fail a poll.
    const run = await runDemo(['--duration', '2', '--interval-ms', '20']);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('ECONNREFUSED');
    expect(run.stderr).not.toContain('device down');
    expect(run.stdout).toContain('coldpool demo stopped after');
    expect(run.stdout).not.toContain(' DOWN');
  });

  it('prints the totals after the flush', async () => {
    const run = await runDemo(['--duration', '2', '--interval-ms', '100']);
    expect(run.code).toBe(0);
    const final = run.stdout.slice(run.stdout.indexOf('coldpool demo stopped after'));
    // Every received reading is written to the one output, the local store, and none is left queued.
    const totals = /received (\d+) {2}written \(sum over outputs\) (\d+) .* queue 0 points/.exec(final);
    expect(totals).not.toBeNull();
    expect(Number(totals?.[1])).toBeGreaterThan(0);
    expect(Number(totals?.[2])).toBeGreaterThanOrEqual(Number(totals?.[1]));
  });
});
