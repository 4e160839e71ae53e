import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { writeRoomStore } from './room-store.js';
import { runCli } from './run-cli.js';

let directory: string;
let records: string;
let readings: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-option-messages-'));
  records = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(records);
  new AuditTrail(db).append({ time_ms: 1000, kind: 'alarm_comment', actor: 'ops', subject: 'room-1', payload: {} });
  db.close();
  readings = join(directory, 'readings.sqlite');
  writeRoomStore(readings, Date.UTC(2026, 11, 1));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `coldpool audit calibration add` on `store` with valid options, overridden by `changes`. */
function addCalibration(store: string, changes: Record<string, string>) {
  const options: Record<string, string> = {
    '--probe': 'ctl-1/air_temp_c',
    '--certificate': 'C-1',
    '--calibrated-on': '2026-01-10',
    '--due-on': '2027-01-10',
    '--offset-c': '0.1',
    '--by': 'ops',
    ...changes,
  };
  return runCli(['audit', 'calibration', 'add', '--store', store, ...Object.entries(options).flat()]);
}

describe('coldpool audit calibration add', () => {
  it('names both dates when due before calibrated', async () => {
    const fresh = join(directory, 'fresh.sqlite');
    const result = await addCalibration(fresh, { '--calibrated-on': '2027-01-10', '--due-on': '2026-01-10' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'coldpool: --due-on "2026-01-10" is not after --calibrated-on "2027-01-10"; ' +
        'give the date the next calibration is due, later than the calibration date\n',
    );
    expect(existsSync(fresh)).toBe(false);
  });

  it('names each invalid option', async () => {
    const result = await addCalibration(records, { '--probe': 'ctl-1', '--offset-c': '9', '--due-on': '10.1.2027' });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('"code"');
    expect(result.stderr).toContain(
      '--probe "ctl-1" is invalid: it must be <device>/<field>, such as ctl-1/air_temp_c',
    );
    expect(result.stderr).toContain('--offset-c 9 is invalid: it must be from -5 to 5 K');
    expect(result.stderr).toContain('--due-on "10.1.2027" is invalid: it must be a date as YYYY-MM-DD');
  });
});

/** Runs `coldpool audit correct` of entry `seq` in the records store. */
function correct(seq: string) {
  return runCli(['audit', 'correct', '--store', records, '--seq', seq, '--reason', 'r', '--by', 'ops']);
}

describe('coldpool audit correct --seq', () => {
  it('explains a sequence number without entry', async () => {
    const result = await correct('999999');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'coldpool: no audit entry has sequence number 999999; pass the seq of the record to correct, ' +
        'as `coldpool audit list --kind record` prints them\n',
    );
  });

  it('names the kind of a non-record entry', async () => {
    const result = await correct('1');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('audit entry 1 has kind alarm_comment, not record');
  });

  it('rejects a fraction', async () => {
    const result = await correct('1.5');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('coldpool: --seq "1.5" is not a whole number; give a whole number of at least 1\n');
  });
});

describe('whole-number options', () => {
  it('ingest names the minimum of a negative count', async () => {
    const result = await runCli(['ingest', '--broker', 'mqtt://127.0.0.1:1', '--max-queue-points', '-5']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--max-queue-points "-5" is too small; give a whole number of at least 1');
    expect(result.stderr).not.toContain('is not a whole number');
  });

  it('audit names the minimum of --remind-days', async () => {
    const result = await runCli(['audit', 'calibration', 'list', '--store', records, '--remind-days', '-1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('coldpool: --remind-days -1 is less than 0; give a whole number of at least 0\n');
  });

  it('report rejects a non-number --remind-days', async () => {
    const result = await runCli([
      'report',
      '--asset',
      'room-1',
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-02',
      '--store',
      readings,
      '--remind-days',
      'soon',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--remind-days "soon" is not a whole number; give a whole number of at least 0');
  });
});

describe('coldpool report --class', () => {
  it('help and error list the same classes', async () => {
    const help = await runCli(['report', '--help']);
    const helpText = help.stdout.replace(/\s+/g, ' ');
    expect(helpText).toContain('temperature class when no --config: frozen, chilled, pharma, ambient;');
    const result = await runCli(['report', '--asset', 'room-1', '--store', records, '--class', 'icy']);
    expect(result.stderr).toBe(
      'coldpool: --class icy is not a valid temperature class; use one of frozen, chilled, pharma, ambient\n',
    );
  });
});
