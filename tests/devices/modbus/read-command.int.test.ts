import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { RtuControllerSim } from '../../../firmware-sim/rtu/rtu-controller-sim.js';
import {
  type ReadOptions,
  readCommand,
  readCommandText,
  registerReadCommand,
} from '../../../gateway/cli/commands/read.js';
import { KNOWN_VALUES } from '../../firmware-sim/rtu/known-values.js';
import { type RunningServer, startRegisterServer } from './modbus-peers.js';
import { type PtyPair, startPtyPair } from './pty-pair.js';

const DEFAULTS: ReadOptions = { port: '502', baud: '9600', parity: 'none', stopBits: '1', unit: '1', timeoutMs: '500' };

let pair: PtyPair | undefined;
let sim: RtuControllerSim | undefined;
let server: RunningServer | undefined;
let folder: string | undefined;

afterEach(async () => {
  process.exitCode = undefined;
  await sim?.stop();
  await pair?.close();
  await server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  sim = undefined;
  pair = undefined;
  server = undefined;
  folder = undefined;
});

/** Splits the command output into rows keyed by field name: [address, raw, value]. */
function rowsByField(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of text.trim().split('\n').slice(1)) {
    const [name, ...cells] = line.split(/ {2,}/);
    rows.set(name!, cells);
  }
  return rows;
}

/** The generic-tenths-c map of KNOWN_VALUES, as a modbus-serial server serves it. */
function knownRegisterMap() {
  return {
    input: new Map([
      [0, 0xffec],
      [1, 0x0183],
      [2, 0],
      [3, 0x077a],
      [4, 0x429b],
      [5, 0x077a],
      [6, 0x429b],
    ]),
    holding: new Map([
      [100, 0xff4c],
      [101, 20],
    ]),
    coil: new Map([
      [0, true],
      [1, false],
      [2, true],
    ]),
    discrete: new Map([
      [0, false],
      [1, true],
      [2, false],
      [3, true],
    ]),
  };
}

/** Modbus exception 04 SERVER DEVICE FAILURE, as a modbus-serial service vector throws it. */
const DEVICE_FAILURE = { modbusErrorCode: 0x04, msg: 'Server device failure' };

function failRead(): never {
  throw DEVICE_FAILURE;
}

/** Runs `coldpool read` through commander against the TCP server on `port`, collecting both outputs. */
async function runReadCommand(port: number): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command().exitOverride();
  registerReadCommand(
    program,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  await program.parseAsync(['read', '--host', '127.0.0.1', '--port', String(port), '--profile', 'generic-tenths-c'], {
    from: 'user',
  });
  return { stdout, stderr };
}

/** Serves `map` over Modbus TCP and reads it with the generic-tenths-c profile, returning the rows by field. */
async function readTcpProfile(map: ReturnType<typeof knownRegisterMap>): Promise<Map<string, string[]>> {
  server = await startRegisterServer(map);
  const text = await readCommandText({
    ...DEFAULTS,
    host: '127.0.0.1',
    port: String(server.port),
    profile: 'generic-tenths-c',
  });
  return rowsByField(text);
}

describe('read-command', () => {
  it('reads a serial device with a profile', async () => {
    pair = await startPtyPair();
    sim = new RtuControllerSim({ path: pair.device_path, units: [4], values: () => KNOWN_VALUES });
    await sim.start();
    const text = await readCommandText({
      ...DEFAULTS,
      serial: pair.gateway_path,
      unit: '4',
      profile: 'generic-tenths-c',
    });
    const rows = rowsByField(text);
    expect(rows.get('air_temp_c')).toEqual(['input 0', 'FFEC', '-2 C']);
    expect(rows.get('evap_temp_c')).toEqual(['input 1', '0183', '38.7 C']);
    expect(rows.get('compressor_power_kw')).toEqual(['input 3', '077A 429B', '77.51460266113281']);
    expect(rows.get('compressor_run_s')).toEqual(['input 5', '077A 429B', '125452955']);
    expect(rows.get('setpoint_c')).toEqual(['holding 100', 'FF4C', '-18 C']);
    expect(rows.get('fans_on')).toEqual(['coil 2', '1', 'true']);
    expect(rows.get('probe_alarm')).toEqual(['discrete 3', '1', 'true']);
    expect(rows.size).toBe(14);
  });

  it('reads a tcp device with a profile', async () => {
    const rows = await readTcpProfile(knownRegisterMap());
    expect(rows.get('air_temp_c')).toEqual(['input 0', 'FFEC', '-2 C']);
    expect(rows.get('differential_c')).toEqual(['holding 101', '0014', '2']);
    expect(rows.get('door_open')).toEqual(['discrete 0', '0', 'false']);
  });

  it('prints scaled values without binary noise', async () => {
    const map = knownRegisterMap();
    map.input.set(0, 0x7fff);
    map.input.set(1, 0xffbc);
    map.holding.set(101, 6);
    const rows = await readTcpProfile(map);
    expect(rows.get('air_temp_c')).toEqual(['input 0', '7FFF', '3276.7 C']);
    expect(rows.get('evap_temp_c')).toEqual(['input 1', 'FFBC', '-6.8 C']);
    expect(rows.get('differential_c')).toEqual(['holding 101', '0006', '0.6']);
  });

  it('reads a device from a config file', async () => {
    server = await startRegisterServer(knownRegisterMap());
    folder = mkdtempSync(join(tmpdir(), 'coldpool-read-'));
    const config = join(folder, 'coldpool.yaml');
    writeFileSync(
      config,
      `devices:\n  - { id: room-9, protocol: modbus_tcp, host: 127.0.0.1, port: ${server.port}, profile: generic-tenths-c }\n`,
    );
    const text = await readCommandText({ ...DEFAULTS, device: 'room-9', config });
    expect(rowsByField(text).get('product_temp_c')).toEqual(['input 2', '0000', '0 C']);
  });

  it('shows a failed request per field', async () => {
    pair = await startPtyPair();
    sim = new RtuControllerSim({ path: pair.device_path, units: [1], values: () => KNOWN_VALUES });
    sim.setFaults(1, { exception: 2 });
    await sim.start();
    const text = await readCommandText({ ...DEFAULTS, serial: pair.gateway_path, profile: 'generic-tenths-c' });
    const row = rowsByField(text).get('air_temp_c')!;
    expect(row[1]).toMatch(/^error: Modbus exception 2 \(illegal data address\)/);
  });

  it('runs through commander', async () => {
    server = await startRegisterServer(knownRegisterMap());
    let printed = '';
    const program = new Command().exitOverride();
    registerReadCommand(program, { write: (text: string) => (printed += text) });
    await program.parseAsync(
      ['read', '--host', '127.0.0.1', '--port', String(server.port), '--profile', 'generic-tenths-c'],
      { from: 'user' },
    );
    expect(printed.split('\n')[0]).toMatch(/^field +address +raw +value$/);
    expect(rowsByField(printed).get('air_temp_c')).toEqual(['input 0', 'FFEC', '-2 C']);
  });

  it('exits 0 when every field reads', async () => {
    server = await startRegisterServer(knownRegisterMap());
    const { stderr } = await runReadCommand(server.port);
    expect(stderr).toBe('');
    expect(process.exitCode).toBe(0);
  });

  it('exits 2 when input reads fail', async () => {
    server = await startRegisterServer(knownRegisterMap(), { getInputRegister: failRead });
    const { stdout, stderr } = await runReadCommand(server.port);
    const rows = rowsByField(stdout);
    expect(rows.get('air_temp_c')?.[1]).toMatch(/^error: Modbus exception 4/);
    expect(rows.get('setpoint_c')).toEqual(['holding 100', 'FF4C', '-18 C']);
    expect(process.exitCode).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('coldpool: 5 of 14 fields could not be read; the table shows the others');
    expect(lines[1]).toMatch(/^ {2}air_temp_c \(input 0\): Modbus exception 4/);
    expect(lines).toHaveLength(6);
  });

  it('exits 1 when no field reads', async () => {
    server = await startRegisterServer(knownRegisterMap(), {
      getInputRegister: failRead,
      getHoldingRegister: failRead,
      getCoil: failRead,
      getDiscreteInput: failRead,
    });
    const { stderr } = await runReadCommand(server.port);
    expect(process.exitCode).toBe(1);
    expect(stderr.split('\n')[0]).toBe(
      'coldpool: no field could be read (14 of 14 fields failed); check the address, the unit id and the register map',
    );
    expect(stderr).toMatch(/^ {2}setpoint_c \(holding 100\): Modbus exception 4/m);
  });

  it('reports failures in the result', async () => {
    server = await startRegisterServer(knownRegisterMap(), { getCoil: failRead });
    const result = await readCommand({
      ...DEFAULTS,
      host: '127.0.0.1',
      port: String(server.port),
      profile: 'generic-tenths-c',
    });
    expect(result.exit_code).toBe(2);
    expect(result.field_count).toBe(14);
    expect(result.failed.map((row) => row.field.table)).toEqual(['coil', 'coil', 'coil']);
  });

  it.each<[Partial<ReadOptions>, RegExp]>([
    [{ host: '127.0.0.1' }, /--profile is missing/],
    [{ profile: 'generic-tenths-c' }, /--host or --serial is missing/],
    [{ host: '127.0.0.1', profile: 'coldpool-reefer' }, /profile coldpool-reefer is not a built-in Modbus profile/],
    [{ host: '127.0.0.1', profile: 'generic-tenths-c', unit: '300' }, /--unit 300 is invalid/],
    [{ device: 'room-1' }, /--device and --config go together/],
  ])('rejects %o', async (change, message) => {
    await expect(readCommandText({ ...DEFAULTS, ...change })).rejects.toThrow(message);
  });
});
