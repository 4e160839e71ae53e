import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** Writes `lines` to a configuration file in a new temporary folder and returns the file's path. */
function writeConfig(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-warn-'));
  const file = join(dir, 'site.yaml');
  writeFileSync(file, [...lines, 'outputs:', `  local_store: { path: ${join(dir, 'store.db')} }`, ''].join('\n'), {
    mode: 0o600,
  });
  return file;
}

const ROOM_DEVICE = [
  'devices:',
  '  - id: room-1',
  '    protocol: mqtt',
  '    topic: sim/rooms/room-1/state',
  '    profile: coldpool-room-celsius',
];

describe('check-config alarm and token warnings', () => {
  it('warns of an asset matching no device', async () => {
    const file = writeConfig([
      ...ROOM_DEVICE,
      'alarms:',
      `  store_path: ${join(tmpdir(), 'unused-records.db')}`,
      '  assets:',
      '    - { id: room-1, class: chilled }',
      '    - { id: rom-2, class: chilled }',
    ]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: alarms.assets[1] (asset rom-2) matches asset "rom-2", but no configured device has it, so its alarms never fire; ' +
        'set alarms.assets[1].match.asset (default: the asset id) to an asset of devices[] (configured: "room-1"), or fix the device\'s asset',
    );
    expect(result.stderr).not.toContain('alarms.assets[0]');
  });

  it('names subscriptions that could match', async () => {
    const file = writeConfig([
      'mqtt:',
      '  subscriptions:',
      '    - { topic: "sensors/+/state", device_id_segment: 1, profile: coldpool-room-celsius }',
      'alarms:',
      `  store_path: ${join(tmpdir(), 'unused-records.db')}`,
      '  assets:',
      '    - { id: room-9, class: chilled }',
    ]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: alarms.assets[0] (asset room-9) matches asset "room-9"');
    expect(result.stderr).toContain(
      'only a device with id "room-9" arriving through mqtt.subscriptions (sensors/+/state) can match it',
    );
  });

  it('warns of a whole truck beside compartments', async () => {
    const file = writeConfig([
      'devices:',
      '  - { id: truck-1, protocol: mqtt, topic: trucks/1, profile: coldpool-reefer }',
      'alarms:',
      `  store_path: ${join(tmpdir(), 'unused-records.db')}`,
      '  assets:',
      '    - { id: truck-1, kind: truck_compartment, class: frozen }',
      '    - { id: truck-1/front, kind: truck_compartment, class: frozen, match: { asset: truck-1, compartment: front } }',
      '    - { id: truck-1/rear, kind: truck_compartment, class: chilled, match: { asset: truck-1, compartment: rear } }',
    ]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: alarms.assets[0] (asset truck-1) watches the whole truck "truck-1" beside alarms.assets[1] (asset truck-1/front) and alarms.assets[2] (asset truck-1/rear)',
    );
    expect(result.stderr).toContain(
      'remove alarms.assets[0], or set alarms.assets[0].match.compartment to the one compartment it watches',
    );
    expect(result.stderr).not.toContain('warning: alarms.assets[1]');
  });

  it('warns of a poll interval at the timeout', async () => {
    const file = writeConfig([
      'devices:',
      '  - id: ctrl-1',
      '    protocol: modbus_tcp',
      '    host: 127.0.0.1',
      '    poll_interval_s: 900',
      '    profile: generic-tenths-c',
      'alarms:',
      `  store_path: ${join(tmpdir(), 'unused-records.db')}`,
    ]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: devices[0] (device ctrl-1) polls every 900 s, which is not below alarms.no_data.timeout_s (900 s)',
    );
    expect(result.stderr).toContain('set poll_interval_s below 900, or raise alarms.no_data.timeout_s above 900');
  });

  it('warns of an ignored schedule day', async () => {
    const file = writeConfig([
      'planning:',
      '  enabled: true',
      '  scenario_file: tests/fixtures/planning/small-county.yaml',
      `  store_path: ${join(tmpdir(), 'unused-plans.db')}`,
      '  schedules:',
      "    - { name: nightly, cron: '0 22 * * *', day: tomorrow }",
    ]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: planning.schedules[0].day (schedule nightly) is tomorrow, but planning.plan_date is scenario',
    );
    expect(result.stderr).toContain(
      'set planning.plan_date: rolling to plan the date of each tick plus day, or remove day',
    );
  });

  it('warns of an expired api token', async () => {
    const file = writeConfig([
      'http:',
      '  auth:',
      '    tokens:',
      `      - { name: erp, token_sha256: ${'a'.repeat(64)}, role: operator, expires_at: "2020-06-30T00:00:00Z" }`,
      `      - { name: bi, token_sha256: ${'b'.repeat(64)}, role: viewer, expires_at: "2999-06-30T00:00:00Z" }`,
    ]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: http.auth.tokens[0] (erp) expired at 2020-06-30T00:00:00Z, so the API rejects it with 401 AUTH_TOKEN_EXPIRED',
    );
    expect(result.stderr).not.toContain('http.auth.tokens[1]');
  });
});
