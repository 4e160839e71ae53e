import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** Writes `lines` to a configuration file in a new temporary folder and returns the file's path. */
function writeConfig(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-types-'));
  const file = join(dir, 'site.yaml');
  writeFileSync(file, [...lines, 'outputs:', `  local_store: { path: ${join(dir, 'store.db')} }`, ''].join('\n'), {
    mode: 0o600,
  });
  return file;
}

/** Returns config lines of a custom profile that maps `humidity_pct` of cold_room with `type`, and a device using it. */
function humidityProfile(type: string): string[] {
  return [
    'profiles:',
    '  wet-node:',
    '    protocol: mqtt',
    '    measurement: cold_room',
    '    payload:',
    '      format: json',
    '      fields:',
    '        - { name: air_temp_c, path: t, unit: C }',
    `        - { name: humidity_pct, path: h, type: ${type} }`,
  ];
}

const DEVICES = [
  'devices:',
  '  - { id: room-1, protocol: mqtt, topic: sim/rooms/room-1/state, profile: coldpool-room-celsius }',
  '  - { id: room-2, protocol: mqtt, topic: sim/rooms/room-2/state, profile: wet-node }',
];

describe('check-config field type warnings', () => {
  it('warns of boolean over float', async () => {
    const file = writeConfig([...humidityProfile('boolean'), ...DEVICES]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: field "humidity_pct" of measurement "cold_room" is type float in profile "coldpool-room-celsius" of devices[0] (id room-1) ' +
        'but type boolean in profile "wet-node" of devices[1] (id room-2); InfluxDB 1.x keeps one type per field',
    );
    expect(result.stderr).toContain('Rename the field in one mapping (its "name") or give both the same "type"');
  });

  it('warns of integer over float', async () => {
    const file = writeConfig([...humidityProfile('integer'), ...DEVICES]);
    const result = await runCli(['check-config', file]);
    expect(result.stderr).toContain('is type float in profile "coldpool-room-celsius"');
    expect(result.stderr).toContain('but type integer in profile "wet-node"');
  });

  it('warns of unused custom profile', async () => {
    const file = writeConfig([...humidityProfile('string'), ...DEVICES.slice(0, 2)]);
    const result = await runCli(['check-config', file]);
    expect(result.stderr).toContain('but type string in profile "wet-node";');
  });

  it('is silent for the same type', async () => {
    const file = writeConfig([...humidityProfile('float'), ...DEVICES]);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('humidity_pct');
  });

  it('ignores another measurement', async () => {
    const lines = humidityProfile('boolean').map((line) =>
      line.replace('measurement: cold_room', 'measurement: wet_room'),
    );
    const file = writeConfig([...lines, ...DEVICES]);
    const result = await runCli(['check-config', file]);
    expect(result.stderr).not.toContain('humidity_pct');
  });
});
