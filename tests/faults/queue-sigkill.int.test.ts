import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DurableQueue } from '../../gateway/queue/durable-queue.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Runs the writer for `run_ms` after its first commit, kills it with SIGKILL, and returns the sequence
 * numbers it reported committed. The time runs from the first commit because on a loaded machine Node
 * with tsx can take more than `run_ms` to start.
 */
async function runAndKill(path: string, run_ms: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/faults/support/queue-writer.ts', path], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const firstCommit = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      resolve();
    });
    child.once('exit', () => resolve());
  });
  await firstCommit;
  await new Promise((resolve) => setTimeout(resolve, run_ms));
  child.kill('SIGKILL');
  await exited;
  return output
    .split('\n')
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}

describe('queue-sigkill', () => {
  it('keeps every committed point', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'coldpool-kill-')), 'queue.db');
    const acknowledged = await runAndKill(path, 2500);
    const integrity = new Database(path).pragma('integrity_check', { simple: true });
    const queue = new DurableQueue({ path, outputs: ['influx'] });
    const stored = new Set<number>();
    for (let after = 0; ; ) {
      const page = queue.readPage(after, 10_000);
      if (page.length === 0) break;
      for (const point of page) stored.add(point.reading.sequence ?? -1);
      after = page.at(-1)?.id ?? after;
    }
    queue.close();
    const lost = acknowledged.filter((seq) => !stored.has(seq));
    process.stdout.write(
      `queue SIGKILL: ${acknowledged.length} acknowledged, ${stored.size} on disk, ${lost.length} lost\n`,
    );
    expect(acknowledged.length).toBeGreaterThan(1000);
    expect(integrity).toBe('ok');
    expect(lost).toEqual([]);
  });
});
