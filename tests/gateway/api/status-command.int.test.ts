import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../gateway/api/server.js';
import {
  fetchStatus,
  formatStatus,
  registerStatusCommand,
  StatusRequestError,
} from '../../../gateway/cli/commands/status.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

/** Runs `coldpool status` with the arguments and returns what it printed. */
async function runStatus(args: string[]): Promise<string> {
  let output = '';
  const program = new Command().exitOverride();
  registerStatusCommand(program, (text) => {
    output += text;
  });
  await program.parseAsync(['node', 'coldpool', 'status', ...args]);
  return output;
}

describe('status command', () => {
  let fixture: ApiFixture;
  let url: string;

  beforeEach(async () => {
    fixture = await createApiFixture();
    url = await startApiServer(fixture.app, { port: 0 });
  });

  afterEach(async () => {
    await fixture.close();
    process.exitCode = undefined;
  });

  it('prints one line per device', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    const lines = (await runStatus(['--url', url])).split('\n');
    expect(lines[0]).toMatch(/^DEVICE\s+ASSET\s+PROTOCOL\s+SOURCE\s+HEALTH/);
    expect(lines.find((line) => line.startsWith('room-1'))).toMatch(
      /room-1\s+room-1\s+mqtt\s+config\s+up\s+\d+ s ago\s+1\s/,
    );
    expect(lines.find((line) => line.startsWith('ctrl-1'))).toMatch(/modbus_tcp\s+config\s+unknown\s+never/);
  });

  it('prints the gateway counters', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    const output = await runStatus(['--url', url]);
    expect(output).toContain(
      'devices up 1/3, readings 1, sensor faults 0, field errors 0, payload errors 0, poll errors 0',
    );
    expect(output).toMatch(/local_store\s+1\s+0\s+0\s+0\s+0/);
  });

  it('prints json when asked', async () => {
    const output = await runStatus(['--url', url, '--json']);
    expect(JSON.parse(output).devices).toHaveLength(3);
  });

  it('shows the last error of a device', async () => {
    fixture.bus.emit('device_state', {
      device_id: 'ctrl-1',
      up: false,
      consecutive_failures: 4,
      last_error: 'MODBUS_TIMEOUT: no reply in 1000 ms',
    });
    const status = await fetchStatus(url);
    expect(formatStatus(status)).toMatch(/ctrl-1.*down.*MODBUS_TIMEOUT: no reply in 1000 ms/);
  });

  it('shows timestamp collisions per device', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    const collision = { device_id: 'room-1', measurement: 'cold_room', time_ms: Date.now(), field: 'air_temp_c' };
    fixture.bus.emit('timestamp_collision', collision);
    fixture.bus.emit('timestamp_collision', collision);
    const lines = formatStatus(await fetchStatus(url)).split('\n');
    expect(lines[0]).toMatch(/FIELD ERRORS\s+TIME COLLISIONS\s+PROBLEMS/);
    // READINGS, FAULTS, FIELD ERRORS, TIME COLLISIONS, PROBLEMS
    expect(lines.find((line) => line.startsWith('room-1'))).toMatch(/\s1\s+0\s+0\s+2\s+0$/);
    expect(lines.find((line) => line.startsWith('ctrl-1'))).toMatch(/\s0\s+0\s+0\s+0\s+0$/);
    expect(lines.join('\n')).toContain('unknown topics 0, timestamp collisions 2');
  });

  it('fails clearly when nothing listens', async () => {
    await fixture.app.close();
    const error = await fetchStatus(url, 1000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatusRequestError);
    expect((error as StatusRequestError).code).toBe('STATUS_UNREACHABLE');
    expect((error as Error).message).toContain(`${url}/api/v1/devices`);
  });

  it('sets exit code 1 on failure', async () => {
    await fixture.app.close();
    await runStatus(['--url', url]);
    expect(process.exitCode).toBe(1);
  });
});

describe('status command with API auth', () => {
  let fixture: ApiFixture;
  let url: string;

  beforeEach(async () => {
    fixture = await createApiFixture({ authenticate: (request) => request.headers.authorization === 'Bearer tok-1' });
    url = await startApiServer(fixture.app, { port: 0 });
  });

  afterEach(async () => {
    await fixture.close();
    delete process.env.COLDPOOL_API_TOKEN;
    process.exitCode = undefined;
  });

  it('sends the token from the environment', async () => {
    process.env.COLDPOOL_API_TOKEN = 'tok-1';
    expect(await runStatus(['--url', url])).toContain('devices up');
  });

  it('sends the token from a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'coldpool-token-')), 'token');
    writeFileSync(file, 'tok-1\n');
    expect(await runStatus(['--url', url, '--token-file', file])).toContain('devices up');
  });

  it('rejects an empty token file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'coldpool-token-')), 'token');
    writeFileSync(file, '\n');
    await expect(runStatus(['--url', url, '--token-file', file])).rejects.toThrow('its first line is empty');
  });

  it('names the token variable on 401', async () => {
    const error = await fetchStatus(url, 1000).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).toContain('COLDPOOL_API_TOKEN');
  });

  it('rejects an invalid url', async () => {
    await expect(runStatus(['--url', 'notaurl'])).rejects.toThrow('--url "notaurl" is invalid');
  });
});
