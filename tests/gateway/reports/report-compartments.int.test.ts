import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { LocalStore } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';
import { startShipment } from '../../../gateway/reports/shipment.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const START_MS = Date.UTC(2026, 11, 6);
const MINUTE_MS = 60_000;
const FROM = '2026-12-06T00:00:00Z';
const TO = '2026-12-06T01:00:00Z';

let directory: string;
let store: string;
let records: string;

/** Builds a reefer reading of truck-1 as the gateway stores it: one series per compartment, same timestamps. */
function truckReading(compartment: string, minute: number, box_temp_c: number): Reading {
  return {
    measurement: 'reefer',
    tags: { site: 's', asset: 'truck-1', device: 'truck-1', compartment },
    fields: { box_temp_c, setpoint_c: compartment === 'front' ? -18 : 3 },
    integer_fields: new Set(),
    time_ms: START_MS + minute * MINUTE_MS,
    time_source: 'source',
  };
}

/** Builds a truck-level reading without a compartment tag, which belongs to every compartment. */
function doorReading(asset: string, minute: number): Reading {
  return {
    measurement: 'reefer',
    tags: { site: 's', asset, device: asset },
    fields: { door_open: false, unit_on: true },
    integer_fields: new Set(),
    time_ms: START_MS + minute * MINUTE_MS,
    time_source: 'source',
  };
}

function coldpool(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tests/gateway/reports/report-cli-entry.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

function csvReport(asset: string, ...extra: string[]) {
  return coldpool(
    'report',
    '--asset',
    asset,
    '--from',
    FROM,
    '--to',
    TO,
    '--store',
    store,
    '--format',
    'csv',
    ...extra,
  );
}

/** Returns the value_c column of the CSV data rows. */
function csvValues(csv: string): number[] {
  return csv
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('time_utc'))
    .map((line) => Number(line.split(',')[2]));
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-report-compartments-'));
  store = join(directory, 'readings.sqlite');
  records = join(directory, 'records.sqlite');
  const local = new LocalStore({ path: store, retention_days: 3650 });
  for (let minute = 0; minute < 60; minute++) {
    local.write([
      truckReading('front', minute, -18),
      truckReading('rear', minute, 3 + (minute % 2) * 0.2),
      doorReading('truck-1', minute),
    ]);
  }
  // truck-2 sends only door and unit readings, so its temperature field is missing.
  local.write(Array.from({ length: 10 }, (_, minute) => doorReading('truck-2', minute)));
  local.close();
  const db = openRecordsDatabase(records);
  const trail = new AuditTrail(db);
  startShipment(trail, { shipment_id: 'SH-1', asset: 'truck-1/front', by: 'driver', time_ms: START_MS });
  startShipment(trail, { shipment_id: 'SH-2', asset: 'truck-1', by: 'driver', time_ms: START_MS });
  db.close();
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('report of a truck with two compartments', () => {
  it('rejects the whole truck', () => {
    const result = csvReport('truck-1', '--kind', 'truck_compartment');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `coldpool: asset truck-1 has readings of 2 compartments in readings store ${store} (front, rear)`,
    );
    expect(result.stderr).toContain('--asset truck-1/front or --asset truck-1/rear.');
  });

  it('rejects the whole truck without --kind', () => {
    const result = csvReport('truck-1');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(front, rear)');
  });

  it('names the config fix with --config', () => {
    const config = join(directory, 'whole-truck.yaml');
    writeFileSync(
      config,
      'alarms:\n  assets:\n    - id: truck-1\n      class: frozen\n      kind: truck_compartment\n',
    );
    const result = csvReport('truck-1', '--config', config);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(front, rear)');
    expect(result.stderr).toContain(`give each compartment its own entry under alarms.assets in ${config}`);
    expect(result.stderr).toContain('match: { asset: truck-1, compartment: front }');
  });

  it('reports one compartment without config', () => {
    const result = csvReport('truck-1/front', '--class', 'frozen');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# asset: truck-1/front\n');
    expect(result.stdout).toContain('# field: box_temp_c\n');
    expect(result.stdout).toContain('# readings: 60\n');
    expect(result.stdout).toContain('# max_c: -18.00\n');
    expect(csvValues(result.stdout).every((value) => value === -18)).toBe(true);
  });

  it('reports the other compartment', () => {
    const result = csvReport('truck-1/rear');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# readings: 60\n');
    expect(result.stdout).toContain('# min_c: 3.00\n');
    expect(csvValues(result.stdout).every((value) => value >= 3)).toBe(true);
  });

  it('reports a configured compartment', () => {
    const config = join(directory, 'compartments.yaml');
    writeFileSync(
      config,
      'alarms:\n  assets:\n    - id: truck-1/front\n      class: frozen\n      kind: truck_compartment\n' +
        '      match: { asset: truck-1, compartment: front }\n',
    );
    const result = csvReport('truck-1/front', '--config', config);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# readings: 60\n');
  });
});

describe('report of a missing temperature field', () => {
  it('names the fields found', () => {
    const result = csvReport('truck-1/front', '--kind', 'cold_room');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `coldpool: asset truck-1/front has no air_temp_c readings in readings store ${store} at any time, ` +
        'but its readings contain the fields box_temp_c, door_open, setpoint_c, unit_on.',
    );
    expect(result.stderr).toContain('Pass --kind truck_compartment for box_temp_c');
  });

  it('fails for an asset without temperatures', () => {
    const result = csvReport('truck-2', '--kind', 'truck_compartment');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no box_temp_c readings');
    expect(result.stderr).toContain('contain the fields door_open, unit_on.');
  });

  it('names the config key with --config', () => {
    const config = join(directory, 'room-kind.yaml');
    writeFileSync(config, 'alarms:\n  assets:\n    - id: truck-2\n      class: chilled\n');
    const result = csvReport('truck-2', '--config', config);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('has no air_temp_c readings');
    expect(result.stderr).toContain(`Set temperature_field of asset truck-2 under alarms.assets in ${config}`);
  });
});

describe('report of a compartment shipment', () => {
  it('reports without config', () => {
    const result = coldpool('report', '--shipment', 'SH-1', '--store', store, '--records', records, '--format', 'csv');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# asset: truck-1/front\n');
    expect(result.stdout).toContain('# readings: 60\n');
    expect(csvValues(result.stdout).every((value) => value === -18)).toBe(true);
  });

  it('rejects a whole-truck shipment', () => {
    const result = coldpool('report', '--shipment', 'SH-2', '--store', store, '--records', records, '--format', 'csv');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('asset truck-1 of shipment SH-2 has readings of 2 compartments');
    expect(result.stderr).toContain('The shipment was recorded with asset truck-1.');
  });
});
