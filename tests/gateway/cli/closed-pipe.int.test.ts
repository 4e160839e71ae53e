import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Entries in the store: about 1.5 MB of JSON lines, far more than a pipe buffers (64 KiB on Linux). */
const ENTRY_COUNT = 5000;

let directory: string;
let store: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-closed-pipe-'));
  store = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(store);
  const trail = new AuditTrail(db);
  for (let seq = 1; seq <= ENTRY_COUNT; seq++) {
    trail.append({ time_ms: seq * 1000, kind: 'alarm_comment', actor: 'ops', subject: 'room-1', payload: { seq } });
  }
  db.close();
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/**
 * Runs the CLI and closes the read end of its standard output after the first chunk, as `head -1` does.
 * Resolves with the exit code, the signal and standard error.
 */
function runUntilFirstChunk(args: readonly string[]) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/cli/main.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('closed standard output', () => {
  it('audit list exits quietly', async () => {
    const result = await runUntilFirstChunk(['audit', 'list', '--store', store]);
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
  });
});
