import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { writeRoomStore } from './room-store.js';
import { runCli } from './run-cli.js';

const START_MS = Date.UTC(2026, 11, 1);
const RECORDS_HINT = "pass the gateway's records store (alarms.store_path, default data/records.db)";

let directory: string;
/** A text file, which SQLite cannot open as a database. */
let textFile: string;
let readings: string;
let records: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-store-options-'));
  textFile = join(directory, 'notes.md');
  writeFileSync(textFile, '# notes\n\nnot a database, but long enough to fill the 100-byte SQLite header.\n'.repeat(4));
  readings = join(directory, 'readings.sqlite');
  writeRoomStore(readings, START_MS);
  records = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(records);
  new AuditTrail(db).append({ time_ms: START_MS, kind: 'alarm_comment', actor: 'ops', subject: 'room-1', payload: {} });
  db.close();
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Runs a one-hour CSV report of room-1 with `extra` options. */
function report(...extra: string[]) {
  const window = ['--from', String(START_MS), '--to', String(START_MS + 3_600_000)];
  return runCli(['report', '--asset', 'room-1', ...window, '--format', 'csv', ...extra]);
}

/** Every audit subcommand that reads an existing records store, with its options other than --store. */
const AUDIT_READERS: readonly (readonly string[])[] = [
  ['verify'],
  ['list'],
  ['correct', '--seq', '1', '--reason', 'typo', '--by', 'ops'],
  ['calibration', 'list'],
  ['shipment', 'end', '--id', 'ship-1', '--by', 'ops'],
];

/** Audit subcommands that create the records store when it is missing. */
const AUDIT_WRITERS: readonly (readonly string[])[] = [
  [
    'calibration',
    'add',
    '--probe',
    'ctl-1/air_temp_c',
    '--certificate',
    'C-1',
    '--calibrated-on',
    '2026-01-10',
    '--due-on',
    '2027-01-10',
    '--offset-c',
    '0.1',
    '--by',
    'ops',
  ],
  ['shipment', 'start', '--id', 'ship-1', '--asset', 'room-1', '--by', 'ops'],
];

describe('coldpool audit --store', () => {
  for (const args of [...AUDIT_READERS, ...AUDIT_WRITERS]) {
    it(`${args.slice(0, 2).join(' ')} rejects a text file`, async () => {
      const result = await runCli(['audit', ...args, '--store', textFile]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `coldpool: --store ${textFile} is not an SQLite database, so it is not a records store; ${RECORDS_HINT}\n`,
      );
    });
  }

  for (const args of AUDIT_READERS) {
    it(`${args.slice(0, 2).join(' ')} rejects a missing file`, async () => {
      const absent = join(directory, 'absent.sqlite');
      const result = await runCli(['audit', ...args, '--store', absent]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`coldpool: --store: records store ${absent} not found; ${RECORDS_HINT}\n`);
      expect(existsSync(absent)).toBe(false);
    });
  }

  it('list rejects a readings store', async () => {
    const result = await runCli(['audit', 'list', '--store', readings]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--store ${readings} is an SQLite database with only the tables `);
    expect(result.stderr).toContain('so it is not a records store (which has audit_log)');
  });

  it('verify rejects a folder', async () => {
    const folder = join(directory, 'folder.sqlite');
    mkdirSync(folder, { recursive: true });
    const result = await runCli(['audit', 'verify', '--store', folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`coldpool: --store ${folder} is a folder, not a records store; ${RECORDS_HINT}\n`);
  });
});

describe('coldpool report store options', () => {
  it('rejects a text file as --store', async () => {
    const result = await report('--store', textFile);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `coldpool: --store ${textFile} is not an SQLite database, so it is not a readings store;`,
    );
    expect(result.stderr).toContain('outputs.local_store.path');
  });

  it('rejects a records store as --store', async () => {
    const result = await report('--store', records);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--store ${records} is an SQLite database with only the tables `);
    expect(result.stderr).toContain('so it is not a readings store (which has readings)');
  });

  it('rejects a missing --store', async () => {
    const absent = join(directory, 'no-readings.sqlite');
    const result = await report('--store', absent);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`coldpool: --store: readings store ${absent} not found;`);
    expect(existsSync(absent)).toBe(false);
  });

  it('rejects a text file as --records', async () => {
    const result = await report('--store', readings, '--records', textFile);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `coldpool: --records ${textFile} is not an SQLite database, so it is not a records store; ${RECORDS_HINT}\n`,
    );
  });

  it('rejects a missing --records', async () => {
    const absent = join(directory, 'no-records.sqlite');
    const result = await report('--store', readings, '--records', absent);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`coldpool: --records: records store ${absent} not found; ${RECORDS_HINT}\n`);
  });

  it('reads the right stores', async () => {
    const result = await report('--store', readings, '--records', records);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('time_utc,time_ms,value_c');
  });
});
