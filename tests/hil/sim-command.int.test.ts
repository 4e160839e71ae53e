import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSimCommand } from '../../gateway/cli/commands/sim.js';
import { freePort } from '../harness/free-port.js';

/** Five simulated minutes of one room node, with one expectation that passes and one that cannot. */
const SCENARIO = `
name: cli-check
seed: 4
run: { start: "2026-07-15T10:00:00+08:00", duration_min: 5, time_scale: 60, publish_interval_s: 30 }
site:
  id: bench
  rooms: [{ id: chill-1, kind: chilled, door_openings_per_h: 0 }]
devices:
  - { id: node-1, protocol: mqtt, watches: chill-1 }
expectations:
  - { expect: no_reading_lost, device: node-1 }
  - { expect: reading, asset: chill-1, field: air_temp_c, above: 30 }
`;

/** One simulated minute of a room with one Modbus TCP controller and no expectations. */
const CONTROLLER_SCENARIO = `
name: fixed-port
seed: 4
run: { start: "2026-07-15T10:00:00+08:00", duration_min: 1, time_scale: 60, publish_interval_s: 30 }
site:
  id: bench
  rooms: [{ id: chill-1, kind: chilled, door_openings_per_h: 0 }]
devices:
  - { id: ctrl-1, protocol: modbus_tcp, watches: chill-1, unit_id: 3 }
`;

describe('coldpool sim', () => {
  let dir: string;
  let output: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-sim-cli-'));
    output = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints PASS and FAIL lines and fails the exit code', async () => {
    const file = join(dir, 'cli-check.yaml');
    const readings = join(dir, 'readings.jsonl');
    const config = join(dir, 'gateway.json');
    writeFileSync(file, SCENARIO);
    const program = new Command().exitOverride();
    registerSimCommand(program);
    await program.parseAsync(
      ['sim', '--scenario', file, '--expect', '--readings-out', readings, '--config-out', config],
      { from: 'user' },
    );
    const lines = output.join('').split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^PASS no reading lost from node-1: all \d+ published readings arrived$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^FAIL chill-1 air_temp_c above 30: /));
    expect(lines).toContainEqual('FAIL 1/2 expectations met');
    expect(process.exitCode).toBe(1);
    const stream = readFileSync(readings, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(stream.length).toBeGreaterThanOrEqual(9);
    expect(stream[0].device).toBe('node-1');
    const devices = JSON.parse(readFileSync(config, 'utf8')).devices;
    expect(devices[0]).toMatchObject({ id: 'node-1', asset: 'chill-1', profile: 'coldpool-room-celsius' });
  }, 60_000);

  it('listens on --modbus-port', async () => {
    const file = join(dir, 'fixed-port.yaml');
    const config = join(dir, 'gateway.json');
    writeFileSync(file, CONTROLLER_SCENARIO);
    const port = await freePort();
    const program = new Command().exitOverride();
    registerSimCommand(program);
    await program.parseAsync(['sim', '--scenario', file, '--modbus-port', String(port), '--config-out', config], {
      from: 'user',
    });
    const lines = output.join('').split('\n');
    expect(lines).toContain(`DEVICE ctrl-1 modbus tcp 127.0.0.1:${port} unit 3`);
    const devices = JSON.parse(readFileSync(config, 'utf8')).devices;
    expect(devices[0]).toMatchObject({ id: 'ctrl-1', host: '127.0.0.1', port });
  }, 60_000);

  it('names a --modbus-port in use', async () => {
    const file = join(dir, 'fixed-port.yaml');
    writeFileSync(file, CONTROLLER_SCENARIO);
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const program = new Command().exitOverride();
      registerSimCommand(program);
      await expect(
        program.parseAsync(['sim', '--scenario', file, '--modbus-port', String(port)], { from: 'user' }),
      ).rejects.toThrow(
        `Device ctrl-1 cannot listen on Modbus TCP 127.0.0.1:${port}, because the port is already in use; ` +
          `stop the process that uses it, or give ctrl-1 a free port with --modbus-port ${port}`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('rejects an invalid scenario with its key path', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, SCENARIO.replace('duration_min: 5', 'duration_min: -5'));
    const program = new Command().exitOverride();
    registerSimCommand(program);
    await expect(program.parseAsync(['sim', '--scenario', file], { from: 'user' })).rejects.toThrow(
      /run\.duration_min/,
    );
  });
});
