import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportFixture, type ReportFixture } from '../reports/report-fixture.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = [process.execPath, '--import', 'tsx', 'gateway/cli/main.ts'];

let directory: string;
let fixture: ReportFixture;

function reportArgs(format: string, ...extra: string[]): string[] {
  const window = ['--from', String(fixture.from_ms), '--to', String(fixture.to_ms)];
  return ['report', '--asset', 'room-1', ...window, '--store', fixture.store, '--format', format, ...extra];
}

/** Runs `coldpool` on a pseudo-terminal, so its stdout is a TTY. Its stdout and stderr both arrive in `stdout`. */
function onTerminal(args: string[]) {
  return spawnSync('python3', ['tests/harness/run-in-pty.py', ...CLI, ...args], { cwd: root, timeout: 60_000 });
}

/** Runs `coldpool` with stdout on a pipe. */
function onPipe(args: string[]) {
  const [command = '', ...rest] = CLI;
  return spawnSync(command, [...rest, ...args], { cwd: root, timeout: 60_000 });
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-report-tty-'));
  fixture = buildReportFixture(directory);
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('coldpool report on a terminal', () => {
  it('rejects a PDF to the terminal', () => {
    const result = onTerminal(reportArgs('pdf'));
    const output = result.stdout.toString('latin1');
    expect(result.status).toBe(2);
    expect(output).toContain('--format pdf is binary and standard output is a terminal');
    expect(output).toContain('pass --out FILE');
    expect(output).not.toContain('%PDF');
  });

  it('writes a PDF with --out', () => {
    const file = join(directory, 'room-1.pdf');
    const result = onTerminal(reportArgs('pdf', '--out', file));
    expect(result.status).toBe(0);
    expect(result.stdout.toString('latin1')).toContain(`report written to ${file}`);
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('prints a CSV to the terminal', () => {
    const result = onTerminal(reportArgs('csv'));
    expect(result.status).toBe(0);
    expect(result.stdout.toString('utf8')).toContain('time_utc,time_ms,value_c');
  });
});

describe('coldpool report on a pipe', () => {
  it('writes the PDF to stdout', () => {
    const result = onPipe(reportArgs('pdf'));
    expect(result.status).toBe(0);
    expect(result.stdout.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(result.stderr.toString()).toBe('');
  });
});
