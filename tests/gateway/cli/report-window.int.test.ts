import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { startShipment } from '../../../gateway/reports/shipment.js';
import { writeRoomStore } from './room-store.js';
import { runCli } from './run-cli.js';

const START_MS = Date.UTC(2026, 11, 1);
const DAY_MS = 86_400_000;
/** Start of the shipment still in transit: 401 days before the test runs. */
const SHIPMENT_START_MS = Date.now() - 401 * DAY_MS;

let directory: string;
let store: string;
let records: string;

/** Runs a CSV report of room-1 over [from, to] with `extra` options. */
function report(from: string, to: string, ...extra: string[]) {
  return runCli([
    'report',
    '--asset',
    'room-1',
    '--from',
    from,
    '--to',
    to,
    '--store',
    store,
    '--format',
    'csv',
    ...extra,
  ]);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-report-window-'));
  store = join(directory, 'readings.sqlite');
  writeRoomStore(store, START_MS);
  records = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(records);
  startShipment(new AuditTrail(db), { shipment_id: 'SH-9', asset: 'room-1', by: 'driver', time_ms: SHIPMENT_START_MS });
  db.close();
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('coldpool report window', () => {
  it('rejects --from equal to --to', async () => {
    const result = await report('2026-12-01T08:00:00Z', '2026-12-01T08:00:00Z');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'coldpool: report window is empty: --from 2026-12-01 08:00:00 UTC equals --to 2026-12-01 08:00:00 UTC; ' +
        'the end must be later than the start, so pass a --to later than --from\n',
    );
  });

  it('rejects --to before --from', async () => {
    const result = await report('2026-12-02', '2026-12-01');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'coldpool: report window ends before it starts: --to 2026-12-01 00:00:00 UTC is earlier than ' +
        '--from 2026-12-02 00:00:00 UTC; swap --from and --to\n',
    );
  });

  it('bounds the window at 400 days', async () => {
    const accepted = await report('2026-01-01', '2027-02-05');
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('time_utc,time_ms,value_c');
    const result = await report('2026-01-01', '2027-02-05T12:00:00Z');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'coldpool: report window from --from 2026-01-01 00:00:00 UTC to --to 2027-02-05 12:00:00 UTC ' +
        'spans 400.5 days (34603200000 ms), longer than the maximum of 400 days (34560000000 ms); ' +
        'split the report into windows of at most 400 days\n',
    );
  });

  it('rejects a shipment over 400 days', async () => {
    const result = await runCli([
      'report',
      '--shipment',
      'SH-9',
      '--records',
      records,
      '--store',
      store,
      '--format',
      'csv',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('coldpool: report window from shipment SH-9 start ');
    expect(result.stderr).toContain(' to shipment SH-9 end (in transit, now) ');
    expect(result.stderr).toContain(' longer than the maximum of 400 days (34560000000 ms); ');
    expect(result.stderr).toContain(
      'report asset room-1 with --asset, --from and --to in windows of at most 400 days\n',
    );
  });
});
