import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a benchmark script with `args`; every case here exits before it starts a server. */
function runBench(script: string, args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('benchmark options', () => {
  it.each([
    [
      ['--qos0-rates', '1e3'],
      'bench/ingest.ts: --qos0-rates "1e3" is invalid; give a whole number of at least 1, in digits',
    ],
    [['--qos0-rates', '34000,0'], 'bench/ingest.ts: --qos0-rates "0" is invalid'],
    [['--phase-s', '2.5'], 'bench/ingest.ts: --phase-s "2.5" is invalid'],
    [['--qos0-rates', '-5'], "bench/ingest.ts: Option '--qos0-rates' argument is ambiguous."],
    [
      ['--qos0-rate', '5'],
      "bench/ingest.ts: Unknown option '--qos0-rate'. The options are listed at the top of bench/ingest.ts.",
    ],
  ])('ingest rejects %j', (args, message) => {
    const result = runBench('bench/ingest.ts', args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('    at ');
  });

  it('modbus rejects a bad window', () => {
    const result = runBench('bench/modbus.ts', ['--window-s', 'x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('bench/modbus.ts: --window-s "x" is invalid');
  });
});
