import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const threeMistakes = `
devices:
  - id: ctrl-1
    protocol: modbus_tcp
    host: 127.0.0.1
    poll_intervall_s: 5
    profile: generic-tenths-c
  - id: room-1
    protocol: mqtt
    topic: sim/rooms/room-1/state
    profile: coldpool-room-celsius
    measurement: Cold Room
  - id: ctrl-2
    protocol: modbus_tcp
    host: 127.0.0.1
    port: 70000
    profile: generic-tenths-c
`;

/** Writes `text` to a configuration file in a new temporary folder and returns the file's path. */
function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'coldpool-check-')), 'site.yaml');
  writeFileSync(file, text);
  return file;
}

describe('coldpool check-config', () => {
  it('lists three mistakes with key paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, threeMistakes);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('3 configuration errors');
    expect(result.stderr).toContain(
      'devices[0].poll_intervall_s (device ctrl-1): unknown key; did you mean "poll_interval_s"?',
    );
    expect(result.stderr).toContain('devices[1].measurement (device room-1) = "Cold Room"');
    expect(result.stderr).toContain('devices[2].port (device ctrl-2) = 70000');
  });

  it('warns of an unset password variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(
      file,
      'outputs:\n  influx:\n    url: "http://127.0.0.1:8086/db"\n    password_env: COLDPOOL_CHECK_UNSET\n',
    );
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid');
    expect(result.stderr).toContain(
      'warning: coldpool run in this environment would stop at start: outputs.influx.password_env: environment variable COLDPOOL_CHECK_UNSET is not set',
    );
  });

  it('says how to fix a missing password file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = join(dir, 'site.yaml');
    const secret = join(dir, 'influx.pass');
    writeFileSync(
      file,
      `outputs:\n  influx:\n    url: "http://127.0.0.1:8086/db"\n    username: gw\n    password_file: ${secret}\n`,
    );
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid');
    expect(result.stderr).toContain(
      `warning: coldpool run in this environment would stop at start: outputs.influx.password_file: ${secret} does not exist; ` +
        'create it with the password on its first line, or correct outputs.influx.password_file\n',
    );
    expect(result.stderr).not.toContain('ENOENT');
  });

  it('matches what run prints for a missing password file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = join(dir, 'site.yaml');
    const secret = join(dir, 'influx.pass');
    writeFileSync(
      file,
      `outputs:\n  local_store: { path: ${join(dir, 'store.db')} }\n  influx:\n` +
        `    url: "http://127.0.0.1:8086/db"\n    username: gw\n    password_file: ${secret}\n`,
    );
    const result = await runCli(['run', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `coldpool: outputs.influx.password_file: ${secret} does not exist; ` +
        'create it with the password on its first line, or correct outputs.influx.password_file\n',
    );
  });

  it('warns of a config without inputs', async () => {
    const file = writeConfig('site: empty\n');
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${file}: valid (0 devices, 0 wildcard subscriptions)`);
    expect(result.stderr).toContain(`warning: no devices and no mqtt.subscriptions are configured in ${file}`);
  });

  it('rejects an empty file', async () => {
    const file = writeConfig('# site settings go here\n');
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('valid');
    expect(result.stderr).toContain(`${file}: 1 configuration error`);
    expect(result.stderr).toContain('the file contains no settings');
    expect(result.stderr).toContain('start from an example under examples/config/');
  });

  it('counts one device in the singular', async () => {
    const file = writeConfig(
      'devices:\n  - { id: room-1, protocol: mqtt, topic: rooms/1, profile: coldpool-room-celsius }\n' +
        'mqtt:\n  subscriptions:\n    - { topic: rooms/+/state, device_id_segment: 1, profile: coldpool-room-celsius }\n',
    );
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${file}: valid (1 device, 1 wildcard subscription)`);
  });

  it('rejects an open broker address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, 'mqtt:\n  broker:\n    host: 0.0.0.0\n');
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the mqtt listener may bind 0.0.0.0 only with authentication');
    expect(result.stderr).toContain('coldpool run would refuse to start with this file');
  });

  /**
   * Runs `coldpool run` on a config of `mqtt` (a YAML section) and `outputs` (lines under `outputs:`)
   * whose local store is under `<dir>/stores`. Both get the temporary directory.
   */
  async function runWithStores(mqtt: (dir: string) => string, outputs: (dir: string) => string = () => '') {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = join(dir, 'site.yaml');
    const storeDir = join(dir, 'stores');
    writeFileSync(file, `${mqtt(dir)}outputs:\n${outputs(dir)}  local_store: { path: ${storeDir}/store.db }\n`);
    return { dir, file, storeDir, result: await runCli(['run', '--config', file]) };
  }

  it('run rejects an open broker before opening stores', async () => {
    const { file, storeDir, result } = await runWithStores(() => 'mqtt:\n  broker:\n    host: 0.0.0.0\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: the mqtt listener may bind 0.0.0.0 only with authentication`);
    expect(result.stderr).toContain('nothing was started');
    expect(existsSync(storeDir)).toBe(false);
  });

  it('run stops at a missing password file before opening stores', async () => {
    const { dir, storeDir, result } = await runWithStores(
      (dir) => `mqtt:\n  url: mqtt://127.0.0.1:9\n  username: u\n  password_file: ${dir}/missing.txt\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`mqtt.password_file: ${dir}/missing.txt does not exist`);
    expect(existsSync(storeDir)).toBe(false);
  });

  it('run stops at a missing influx password before opening stores', async () => {
    const { dir, storeDir, result } = await runWithStores(
      () => 'mqtt:\n  broker: { port: 0 }\n',
      (dir) => `  influx: { url: http://127.0.0.1:9/db, username: u, password_file: ${dir}/missing.txt }\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`outputs.influx.password_file: ${dir}/missing.txt does not exist`);
    expect(existsSync(storeDir)).toBe(false);
  });

  it('warns of a config file others can read', async () => {
    const file = writeConfig('site: depot\n');
    chmodSync(file, 0o644);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: configuration file ${file} is readable by group or others (mode 644) and may contain credentials; run chmod 600 ${file}`,
    );
    chmodSync(file, 0o600);
    const privateFile = await runCli(['check-config', file]);
    expect(privateFile.stderr).not.toContain('readable by group or others');
  });

  it('rejects a missing broker users file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const usersFile = join(dir, 'no-such-users.yaml');
    const file = writeConfig(`mqtt:\n  broker:\n    auth:\n      users_file: ${usersFile}\n`);
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('valid');
    expect(result.stderr).toContain(usersFile);
    expect(result.stderr).toContain('coldpool run would refuse to start with this file');
  });

  it('warns of http settings while disabled', async () => {
    const file = writeConfig('http:\n  enabled: false\n  port: 9090\n');
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: http.port is set but http.enabled is false');
  });

  it('accepts every example config', async () => {
    for (const example of [
      'mqtt-room-node',
      'mqtt-fahrenheit-node',
      'mqtt-reefer-truck',
      'modbus-tcp-controller',
      'modbus-rtu-bus',
    ]) {
      const result = await runCli(['check-config', `examples/config/${example}.yaml`]);
      // Examples name passwords that this machine does not have, and a checkout leaves them readable by
      // others. Both are warnings, not errors.
      const errors = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('warning: '));
      expect(errors).toEqual([]);
      expect(result.code).toBe(0);
    }
  });

  it('takes the file from --config', async () => {
    const file = writeConfig(threeMistakes);
    const long = await runCli(['check-config', '--config', file]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('3 configuration errors');
    const short = await runCli(['check-config', '-c', 'examples/config/mqtt-room-node.yaml']);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain('examples/config/mqtt-room-node.yaml: valid');
  });

  it('accepts the same file twice', async () => {
    const file = 'examples/config/mqtt-room-node.yaml';
    const result = await runCli(['check-config', file, '--config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${file}: valid`);
  });

  it('rejects two different files', async () => {
    const result = await runCli([
      'check-config',
      'examples/config/mqtt-room-node.yaml',
      '--config',
      'examples/config/modbus-rtu-bus.yaml',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'check-config: two different configuration files given, examples/config/mqtt-room-node.yaml and --config examples/config/modbus-rtu-bus.yaml. Give only one.',
    );
    expect(result.stdout).toBe('');
  });

  it('requires a file', async () => {
    const result = await runCli(['check-config']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'check-config: missing configuration file. Give it as check-config FILE or check-config --config FILE.',
    );
  });

  it('reports a missing file', async () => {
    const result = await runCli(['check-config', '/nonexistent/coldpool.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read the configuration file: file not found');
  });

  it('lists every invalid planning schedule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = writeConfig(planningConfig(dir, 'tests/fixtures/planning/small-county.yaml'));
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${file}: planning.schedules.0.cron (nightly): "0 25 * * *" is not a valid cron expression`,
    );
    expect(result.stderr).toContain(
      `${file}: planning.schedules.1.cron (evening): "every night" is not a valid cron expression`,
    );
    expect(result.stderr).not.toContain('(replan)');
  });

  it('reports a missing scenario file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const scenario = join(dir, 'missing.yaml');
    const file = writeConfig(planningConfig(dir, scenario, ["{ name: replan, cron: '*/15 * * * *' }"]));
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${file}: planning.scenario_file ${scenario}: file not found; give the path of a scenario file`,
    );
  });

  it('run rejects planning before listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-check-'));
    const file = writeConfig(planningConfig(dir, 'tests/fixtures/planning/small-county.yaml'));
    const result = await runCli(['run', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"every night" is not a valid cron expression');
    expect(result.stderr).toContain('nothing was started');
    expect(result.stdout).not.toContain('listening');
  });
  it('rejects a port two listeners share', async () => {
    const file = writeConfig('http:\n  enabled: true\n  port: 18901\nmqtt:\n  broker:\n    port: 18901\n');
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '  - http.port = 18901: is the port of mqtt.broker.port on 127.0.0.1, so the HTTP API cannot listen beside the MQTT broker (EADDRINUSE at start); give http.port or mqtt.broker.port another port\n',
    );
  });

  it('rejects a malformed modbus host', async () => {
    const file = writeConfig(
      'devices:\n  - id: ctrl-1\n    protocol: modbus_tcp\n    host: "not a host!"\n    profile: generic-tenths-c\n',
    );
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('devices[0].host (device ctrl-1) = "not a host!": must be an IP address');
  });

  it('rejects a password in upstream.url', async () => {
    const file = writeConfig('upstream:\n  url: mqtt://up:upsecret@127.0.0.1:18832\n');
    const result = await runCli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('upstream.url');
    expect(result.stderr).toContain('must not carry a password');
    expect(result.stderr).not.toContain('upsecret');
  });
});

/** Returns a config with planning enabled on `scenario` and the given schedules, storing its files in `dir`. */
function planningConfig(
  dir: string,
  scenario: string,
  schedules = [
    "{ name: nightly, cron: '0 25 * * *' }",
    "{ name: evening, cron: 'every night' }",
    "{ name: replan, cron: '*/15 * * * *' }",
  ],
): string {
  return [
    'mqtt:',
    '  broker: { port: 0 }',
    'outputs:',
    `  local_store: { path: ${join(dir, 'store.db')} }`,
    'planning:',
    '  enabled: true',
    `  scenario_file: ${scenario}`,
    `  store_path: ${join(dir, 'plans.db')}`,
    '  schedules:',
    ...schedules.map((schedule) => `    - ${schedule}`),
    '',
  ].join('\n');
}
