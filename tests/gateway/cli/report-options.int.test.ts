import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outFileErrorMessage } from '../../../gateway/cli/commands/report.js';
import { writeRoomStore } from './room-store.js';
import { runCli } from './run-cli.js';

const START_MS = Date.UTC(2026, 11, 1);

let directory: string;
let store: string;
/** Configuration whose alarms.assets entry makes room-1 chilled. */
let chilledConfig: string;

/** Runs a one-hour CSV report of room-1 with `extra` options. */
function report(...extra: string[]) {
  const window = ['--from', String(START_MS), '--to', String(START_MS + 3_600_000)];
  return runCli(['report', '--asset', 'room-1', ...window, '--store', store, '--format', 'csv', ...extra]);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-report-options-'));
  store = join(directory, 'readings.sqlite');
  writeRoomStore(store, START_MS);
  chilledConfig = join(directory, 'chilled.yaml');
  writeFileSync(chilledConfig, 'alarms:\n  assets:\n    - id: room-1\n      class: chilled\n');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('coldpool report option values', () => {
  it('rejects unknown --kind', async () => {
    const result = await report('--kind', 'freezer');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'coldpool: --kind freezer is not a valid asset kind; use one of cold_room, room_zone, truck_compartment\n',
    );
  });

  it('rejects unknown --class', async () => {
    const result = await report('--class', 'icy');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'coldpool: --class icy is not a valid temperature class; use one of frozen, chilled, pharma, ambient\n',
    );
  });

  it('accepts valid --class and --kind', async () => {
    const result = await report('--class', 'frozen', '--kind', 'room_zone');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('time_utc,time_ms,value_c');
  });
});

describe('coldpool report --class', () => {
  it('needs --config for custom', async () => {
    const result = await report('--class', 'custom');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "coldpool: --class custom has no limits of its own: it takes low_c and high_c from the asset's " +
        'alarms.assets entry in a gateway configuration. Pass that file as --config FILE in place of --class, ' +
        'or use one of frozen, chilled, pharma, ambient\n',
    );
    const config = join(directory, 'custom.yaml');
    writeFileSync(
      config,
      'alarms:\n  assets:\n    - id: room-1\n      class: custom\n      low_c: 5\n      high_c: 8\n',
    );
    const configured = await report('--config', config);
    expect(configured.stderr).toBe('');
    expect(configured.code).toBe(0);
    expect(configured.stdout).toContain('# class: custom\n');
    // Every reading is 4 °C, below low_c 5, so the whole hour is out of range.
    expect(configured.stdout).toContain('# out_of_range_s: 3600\n');
  });

  it('rejects --class beside --config', async () => {
    const result = await report('--config', chilledConfig, '--class', 'pharma');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `coldpool: --class pharma cannot be combined with --config: the class of room-1 comes from its ` +
        `alarms.assets entry in ${chilledConfig}. Remove --class, or change the entry's class\n`,
    );
  });

  it('rejects --kind beside --config', async () => {
    const result = await report('--config', chilledConfig, '--kind', 'room_zone');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `coldpool: --kind room_zone cannot be combined with --config: the kind of room-1 comes from its ` +
        `alarms.assets entry in ${chilledConfig}. Remove --kind, or change the entry's kind\n`,
    );
  });
});

describe('coldpool report --config errors', () => {
  it('lists invalid alarms keys', async () => {
    const config = join(directory, 'bad-alarms.yaml');
    writeFileSync(config, 'alarms:\n  assets:\n    - id: room-1\n      class: icy\n      kind: freezer\n');
    const result = await report('--config', config);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('"code"');
    expect(result.stderr).toContain(`coldpool: ${config}: 2 configuration errors\n`);
    expect(result.stderr).toContain(
      '  - alarms.assets[0].kind = "freezer": must be one of "cold_room", "room_zone", "truck_compartment"\n',
    );
    expect(result.stderr).toContain(
      '  - alarms.assets[0].class = "icy": must be one of "frozen", "chilled", "pharma", "ambient", "custom"\n',
    );
  });
});

describe('coldpool report --out errors', () => {
  it('names a missing folder', async () => {
    const out = join(directory, 'no-such-folder', 'room-1.csv');
    const result = await report('--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `coldpool: --out ${out}: folder ${join(directory, 'no-such-folder')} does not exist; create it or choose another path\n`,
    );
  });

  it('names a folder given as file', async () => {
    const result = await report('--out', directory);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`coldpool: --out ${directory} is a folder; give the path of a file inside it\n`);
  });

  it('names a permission error', () => {
    // Tests may run as root, which a chmod cannot stop from writing, so the message is checked directly.
    const error = Object.assign(new Error("EACCES: permission denied, open '/srv/r/x.pdf'"), { code: 'EACCES' });
    expect(outFileErrorMessage('/srv/r/x.pdf', error)).toBe(
      '--out /srv/r/x.pdf: permission denied; choose a path you can write to, or change the permissions of /srv/r/x.pdf or /srv/r',
    );
  });

  it('leaves other errors unchanged', () => {
    const error = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    expect(outFileErrorMessage('/srv/r/x.pdf', error)).toBeUndefined();
  });
});
