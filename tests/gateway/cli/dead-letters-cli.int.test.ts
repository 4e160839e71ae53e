import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import type { Reading } from '../../../gateway/reading.js';
import { runCli } from './run-cli.js';

const REASON =
  'field type conflict: input field "humidity_pct" on measurement "cold_room" is type boolean, already exists as type float';

const humidity: Reading = {
  measurement: 'cold_room',
  tags: { site: 's', asset: 'a', device: 'room-2' },
  fields: { humidity_pct: true },
  integer_fields: new Set(),
  time_ms: Date.UTC(2026, 0, 2, 3, 4, 5),
  time_source: 'source',
};

const LINE = 'cold_room,asset=a,device=room-3,site=s door=true 1767323045000';

/** Creates a queue file with two dead letters of the influx output: a reading, then a line. */
function queueWithLetters(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'coldpool-dead-letters-')), 'queue.db');
  const queue = new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1 });
  queue.enqueue([humidity]);
  queue.commit();
  queue.acknowledge('influx', queue.last_id, [
    { reading: humidity, reason: REASON },
    { line: LINE, reason: 'unable to parse' },
  ]);
  queue.close();
  return path;
}

/** Returns the path of a new file in a new temporary folder. */
function tempFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'coldpool-dead-letters-')), name);
}

describe('coldpool dead-letters', () => {
  let path: string;

  beforeAll(() => {
    path = queueWithLetters();
  });

  it('prints text newest first', async () => {
    const result = await runCli(['dead-letters', '--queue', path]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}influx {2}unable to parse$/);
    expect(lines[1]).toBe(`    ${LINE}`);
    expect(lines[2]).toContain(`influx  ${REASON}`);
    expect(lines[3]).toContain('"fields":{"humidity_pct":true}');
    expect(lines[3]).toContain('"time":"2026-01-02T03:04:05.000Z"');
  });

  it('prints json with limit', async () => {
    const result = await runCli(['dead-letters', '--queue', path, '--json', '--limit', '1']);
    expect(result.code).toBe(0);
    const letters = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(letters).toHaveLength(1);
    expect(letters[0]?.line).toBe(LINE);
    expect(letters[0]?.output).toBe('influx');
    expect(letters[0]?.reason).toBe('unable to parse');
  });

  it('prints reading as json', async () => {
    const result = await runCli(['dead-letters', '--queue', path, '--json']);
    const letters = JSON.parse(result.stdout) as { reading?: Record<string, unknown> }[];
    expect(letters).toHaveLength(2);
    expect(letters[1]?.reading?.fields).toEqual({ humidity_pct: true });
    expect(letters[1]?.reading?.tags).toEqual(humidity.tags);
    expect(letters[1]?.reading?.time_ms).toBe(humidity.time_ms);
  });

  it('filters by output', async () => {
    const result = await runCli(['dead-letters', '--queue', path, '--output', 'influx', '--limit', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('influx  unable to parse');
  });

  it('reports output without dead letters', async () => {
    const twoOutputs = tempFile('queue.db');
    new DurableQueue({ path: twoOutputs, outputs: ['influx', 'upstream'], commit_delay_ms: 1 }).close();
    const result = await runCli(['dead-letters', '--queue', twoOutputs, '--output', 'upstream']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`no dead letters for output upstream in ${twoOutputs}\n`);
  });

  it('lists outputs for unknown output', async () => {
    const result = await runCli(['dead-letters', '--queue', path, '--output', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `coldpool dead-letters: no dead letters for output nope; the queue ${path} has outputs influx\n`,
    );
  });

  it('rejects SQLite file without queue tables', async () => {
    const other = tempFile('demo.db');
    const db = new Database(other);
    db.exec('CREATE TABLE readings (time_ms INTEGER, value REAL)');
    db.close();
    const before = readFileSync(other);
    const result = await runCli(['dead-letters', '--queue', other]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `coldpool dead-letters: --queue ${other} is an SQLite database without the queue tables batches and cursors, so it is not a queue file.`,
    );
    expect(result.stderr).toContain('outputs.queue.path, by default queue.db beside outputs.local_store.path');
    expect(result.stderr).toContain('the --queue given to coldpool ingest');
    expect(readFileSync(other).equals(before)).toBe(true);
  });

  it('rejects text file', async () => {
    const text = tempFile('notes.txt');
    writeFileSync(text, 'not a database, just some text that is long enough to fill a header\n'.repeat(4));
    const result = await runCli(['dead-letters', '--queue', text]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `coldpool dead-letters: --queue ${text} is not an SQLite database, so it is not a queue file.`,
    );
    expect(result.stderr).toContain('outputs.queue.path');
  });

  it('rejects invalid limit', async () => {
    const result = await runCli(['dead-letters', '--queue', path, '--limit', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid --limit "0"; give a whole number of at least 1');
  });

  it('reports missing queue file', async () => {
    const missing = join(tmpdir(), 'coldpool-no-such-dir', 'queue.db');
    const result = await runCli(['dead-letters', '--queue', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`queue file ${missing} not found; check --queue.`);
    expect(result.stderr).toContain('outputs.queue.path');
  });

  it('reports missing queue option', async () => {
    const result = await runCli(['dead-letters']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing --queue');
  });

  it('is listed in help', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toContain('dead-letters');
  });
});
