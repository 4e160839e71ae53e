/**
 * `coldpool demo` (what `npm start` runs) as a child process, stopped with SIGINT. Under npm, one Ctrl-C
 * reaches node twice, from the terminal and forwarded by npm about 10 ms later. The window logic itself
 * is tested with a clock in shutdown.test.ts.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPEAT_SIGNAL_WINDOW_MS } from '../../../gateway/cli/shutdown.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';
import { spawnCli } from './run-cli.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function demoArgs(dir: string, extra: readonly string[] = []): string[] {
  return [
    'demo',
    '--mqtt-port',
    '0',
    '--store',
    join(dir, 'demo.db'),
    '--interval-ms',
    '200',
    '--summary-s',
    '60',
    '--log-level',
    'debug',
    ...extra,
  ];
}

describe('coldpool demo on SIGINT', () => {
  it('treats a repeated SIGINT as one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-sigint-'));
    const demo = spawnCli(demoArgs(dir));
    await demo.waitForStderr('demo fleet running');
    demo.child.kill('SIGINT');
    // The kernel merges a second SIGINT into one still pending, as happens when a loaded box has not
    // yet run the child, so the copy goes out once the child has logged the first.
    await demo.waitForStderr('SIGINT received');
    demo.child.kill('SIGINT');
    const result = await demo.exited;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('ignored as the same stop request');
    expect(result.stderr).not.toContain('exiting without waiting for the flush');
    expect(result.stderr).toContain('"msg":"gateway stopped"');
    expect(result.stdout).toContain('coldpool demo stopped');
    expect(existsSync(join(dir, 'queue.db.lock'))).toBe(false);
  }, 60_000);

  it('flushes and stops when stdout closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-sigpipe-'));
    // The summary every second is the write that meets the closed pipe.
    const demo = spawnCli(demoArgs(dir, ['--summary-s', '1']));
    await demo.waitForStderr('demo fleet running');
    demo.child.stdout?.destroy();
    const result = await demo.exited;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('standard output closed: stopping and flushing buffered readings');
    expect(result.stderr).toContain('"msg":"gateway stopped"');
    expect(existsSync(join(dir, 'queue.db.lock'))).toBe(false);
  }, 60_000);

  it('exits at once on a later SIGINT', async () => {
    let influxd: Influxd | undefined;
    influxd = await startInfluxd();
    cleanups.push(async () => {
      if (influxd?.pid !== undefined) process.kill(influxd.pid, 'SIGCONT');
      await influxd?.stop();
    });
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-sigint-'));
    const demo = spawnCli(demoArgs(dir, ['--influx', `${influxd.url}/coldpool`]));
    await demo.waitForStderr('demo fleet running');
    // A stopped influxd accepts connections but never replies, so the flush of the InfluxDB output waits.
    process.kill(influxd.pid as number, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 500));
    demo.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, REPEAT_SIGNAL_WINDOW_MS + 500));
    const stoppedBeforeSecondSignal = demo.stderr().includes('"msg":"gateway stopped"');
    demo.child.kill('SIGINT');
    const result = await demo.exited;

    expect(stoppedBeforeSecondSignal).toBe(false);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT again: exiting without waiting for the flush');
    expect(result.stderr).not.toContain('"msg":"gateway stopped"');
  }, 60_000);
});
