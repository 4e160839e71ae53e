import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const START_MS = Date.UTC(2026, 11, 1);
const HOUR_MS = 3_600_000;

/** Asset ids written to the store: 25 rooms, so the message lists 20 and counts 5 more. */
const ROOMS = Array.from({ length: 25 }, (_, index) => `room-${String(index + 1).padStart(2, '0')}`);

let directory: string;
let store: string;

function reading(asset: string, minute: number, air_temp_c: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset, device: `ctl-${asset}` },
    fields: { air_temp_c },
    integer_fields: new Set(),
    time_ms: START_MS + minute * 60_000,
    time_source: 'source',
  };
}

/** Runs the report command in a child process, as the coldpool CLI does, and returns its exit status and output. */
function coldpool(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tests/gateway/reports/report-cli-entry.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

function csvReport(asset: string, from: string, to: string, ...extra: string[]) {
  const window = ['--from', from, '--to', to];
  return coldpool('report', '--asset', asset, ...window, '--store', store, '--format', 'csv', ...extra);
}

/** Writes `yaml` to `name` in the test directory and runs a one-day report of `asset` with it as --config. */
function reportWithConfig(name: string, yaml: string, asset: string) {
  const config = join(directory, name);
  writeFileSync(config, yaml);
  return { config, result: csvReport(asset, '2026-12-01', '2026-12-02', '--config', config) };
}

const ROOM_01_CONFIG = 'alarms:\n  assets:\n    - id: room-01\n      class: chilled\n';

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-report-asset-'));
  store = join(directory, 'readings.sqlite');
  const local = new LocalStore({ path: store, retention_days: 3650 });
  for (const asset of ROOMS) {
    local.write(Array.from({ length: 60 }, (_, minute) => reading(asset, minute, 3 + (minute % 3) * 0.5)));
  }
  // A series without an asset tag, which the message must not list as an asset.
  local.write([{ ...reading('none', 0, 20), tags: { site: 's', device: 'ambient-1' } }]);
  local.close();
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('report of an asset missing from the store', () => {
  it('exits 1 and names the asset', () => {
    const result = csvReport('nope', '2026-12-06', '2026-12-07');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`coldpool: asset nope has no readings in readings store ${store} at any time.`);
    expect(result.stderr).toContain('Check --asset for a typo');
  });

  it('lists 20 store assets, then the rest as a count', () => {
    // The store ids are zero-padded, so room-1 is a typo of room-01.
    const result = csvReport('room-1', '2026-12-01', '2026-12-02');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Assets in that store: ${ROOMS.slice(0, 20).join(', ')} and 5 more.`);
    expect(result.stderr).not.toContain('room-21');
  });

  it('notes a missing configuration entry', () => {
    const { config, result } = reportWithConfig('coldpool.yaml', ROOM_01_CONFIG, 'nope');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `asset nope has no readings in readings store ${store} at any time and is not under alarms.assets in ${config} (configured assets: room-01).`,
    );
    expect(result.stderr).toContain('Assets in that store: room-01, room-02');
  });

  it('rejects a configured asset the store lacks', () => {
    const yaml =
      'alarms:\n  assets:\n    - id: truck-7/front\n      class: frozen\n      kind: truck_compartment\n' +
      '      match: { asset: truck-7, compartment: front }\n';
    const { result } = reportWithConfig('truck.yaml', yaml, 'truck-7/front');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `asset truck-7/front has no readings in readings store ${store} at any time (readings tagged asset=truck-7, compartment=front).`,
    );
    expect(result.stderr).not.toContain('is not under alarms.assets');
  });

  it('keeps the configuration error for a stored asset', () => {
    const { config, result } = reportWithConfig('other.yaml', ROOM_01_CONFIG, 'room-02');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`asset room-02 is not under alarms.assets in ${config} (assets: room-01)`);
    expect(result.stderr).not.toContain('has no readings');
  });
});

describe('report of a stored asset', () => {
  it('reports an empty window as one gap', () => {
    // A day after the stored readings, long past, so the whole window is a gap.
    const result = csvReport('room-03', '2026-12-03', '2026-12-04');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# asset: room-03\n');
    expect(result.stdout).toContain('# readings: 0\n');
    expect(result.stdout).toContain('# gap_1: 2026-12-03 00:00:00 to 2026-12-04 00:00:00\n');
  });

  it('reports the readings of its window', () => {
    const from = new Date(START_MS).toISOString();
    const to = new Date(START_MS + HOUR_MS).toISOString();
    const result = csvReport('room-03', from, to);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('# readings: 60\n');
  });
});
