import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSim } from '../../gateway/cli/commands/sim.js';
import { type CliProcess, spawnCli } from '../gateway/cli/run-cli.js';
import { type Mosquitto, startMosquitto } from '../harness/mosquitto.js';

/**
 * Ten simulated minutes of one room with an MQTT node and a Modbus TCP controller, at 120x: five real
 * seconds of publishing, then the kit's drain time.
 */
const SCENARIO = `
name: external-gateway
seed: 7
run: { start: "2026-07-15T10:00:00+08:00", duration_min: 10, time_scale: 120, publish_interval_s: 30 }
site:
  id: bench
  rooms: [{ id: chill-1, kind: chilled, door_openings_per_h: 0 }]
devices:
  - { id: node-1, protocol: mqtt, watches: chill-1 }
  - { id: ctrl-1, protocol: modbus_tcp, watches: chill-1 }
expectations:
  - { expect: no_reading_lost, device: node-1 }
  - { expect: reading, asset: chill-1, field: air_temp_c, below: 30 }
`;

/** Resolves once `path` exists, and rejects after `timeout_ms`. */
async function waitForFile(path: string, timeout_ms: number): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeout_ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a CLI child by its process id with SIGTERM, unless it has exited already. */
async function stopChild(cli: CliProcess | undefined): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  cli.child.kill('SIGTERM');
  await cli.exited;
}

describe('coldpool sim with an external gateway', () => {
  let dir: string;
  let broker: Mosquitto;
  let kit: CliProcess | undefined;
  let gateway: CliProcess | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-sim-external-'));
    writeFileSync(join(dir, 'scenario.yaml'), SCENARIO);
    broker = await startMosquitto();
  });

  afterEach(async () => {
    await stopChild(kit);
    await stopChild(gateway);
    kit = undefined;
    gateway = undefined;
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for a gateway started late', async () => {
    const config = join(dir, 'gw.json');
    const data = join(dir, 'gw-data');
    kit = spawnCli(
      ['sim', '--scenario', join(dir, 'scenario.yaml'), '--broker', broker.url, '--config-out', config, '--expect'],
      { timeout_ms: 120_000 },
    );
    await waitForFile(config, 30_000);
    // The gateway starts well after the kit's devices are up, as a person would start it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    gateway = spawnCli(['run', '--config', config], { timeout_ms: 120_000 });

    const result = await kit.exited;
    const lines = result.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^PASS no reading lost from node-1: all \d+ published readings arrived$/),
    );
    expect(lines).toContain('PASS 2/2 expectations met');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(lines).toContain(`STORES ${data} (kept after the run)`);
    expect(lines).toContainEqual(
      expect.stringMatching(/^WAITING for the gateway at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health: start it with /),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^GATEWAY ready after \d+\.\d s$/));

    await stopChild(gateway);
    expect((statSync(data).mode & 0o777).toString(8)).toBe('700');
    for (const name of ['sim.db', 'sim-records.db', 'queue.db']) {
      expect(existsSync(join(data, name)), `${name} in ${readdirSync(data).join(', ')}`).toBe(true);
    }
    const store = new Database(join(data, 'sim.db'), { readonly: true });
    try {
      const devices = store.prepare('SELECT DISTINCT device FROM series ORDER BY device').pluck().all();
      // The gateway also stores its own self-metrics, under its MQTT client id.
      expect(devices).toEqual(expect.arrayContaining(['ctrl-1', 'node-1']));
      const node_rows = store
        .prepare('SELECT count(*) FROM readings JOIN series USING (series_id) WHERE device = ?')
        .pluck()
        .get('node-1') as number;
      // 10 simulated minutes at one publish per 30 s.
      expect(node_rows).toBeGreaterThanOrEqual(20);
    } finally {
      store.close();
    }
  }, 150_000);

  it('names the command when no gateway starts', async () => {
    const config = join(dir, 'gw.json');
    kit = spawnCli(
      [
        'sim',
        '--scenario',
        join(dir, 'scenario.yaml'),
        '--broker',
        broker.url,
        '--config-out',
        config,
        '--gateway-wait-s',
        '1',
      ],
      { timeout_ms: 60_000 },
    );
    const result = await kit.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^coldpool: timed out after 1 s waiting for the gateway at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/health \(last result: connect ECONNREFUSED 127\.0\.0\.1:\d+\); /,
    );
    expect(result.stderr).toContain(`start it with \`coldpool run --config ${config}\``);
    expect(result.stderr).toContain('or raise --gateway-wait-s');
    expect(result.stdout).not.toContain('READINGS');
    expect(existsSync(join(dir, 'gw-data'))).toBe(true);
  }, 90_000);

  it('writes --store as an absolute path', async () => {
    const config = join(dir, 'gw.json');
    await expect(
      runSim(
        {
          scenario: join(dir, 'scenario.yaml'),
          gateway: 'none',
          broker: broker.url,
          config_out: config,
          store: 'relative-data/readings.db',
          gateway_wait_s: 0.5,
        },
        () => {},
      ),
    ).rejects.toThrow('timed out after 0.5 s waiting for the gateway');
    const written = JSON.parse(readFileSync(config, 'utf8'));
    expect(written.outputs.local_store.path).toBe(resolve('relative-data/readings.db'));
    expect(written.alarms.store_path).toBe(resolve('relative-data/readings-records.db'));
    expect(written.http).toMatchObject({ enabled: true, host: '127.0.0.1' });
    expect(existsSync(join(dir, 'gw-data'))).toBe(false);
  });

  it('rejects stores of an earlier run', async () => {
    const config = join(dir, 'gw.json');
    const data = join(dir, 'gw-data');
    mkdirSync(data);
    writeFileSync(join(data, 'sim-records.db'), '');
    await expect(
      runSim(
        { scenario: join(dir, 'scenario.yaml'), gateway: 'none', broker: broker.url, config_out: config },
        () => {},
      ),
    ).rejects.toThrow(
      `data directory ${data} already contains sim-records.db of an earlier run; ` +
        `remove ${data} (or move it away) to start afresh, or pass another --config-out file`,
    );
    expect(existsSync(config)).toBe(false);
  });
});
