import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../harness/free-port.js';

// modbus-serial is CommonJS: its module object is the ModbusRTU client class and carries it as `default`.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

const root = fileURLToPath(new URL('../../', import.meta.url));

let child: ChildProcessWithoutNullStreams | undefined;
let client: ModbusClient | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  if (client?.isOpen) await new Promise<void>((resolve) => client!.close(() => resolve()));
  client = undefined;
  if (child !== undefined && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  if (blocker !== undefined) await new Promise<void>((resolve) => blocker!.close(() => resolve()));
  blocker = undefined;
});

/** Output of a simulator run: the device lines once all are out, or stderr and the exit code. */
interface SimulatorOutput {
  stdout: string;
  stderr: string;
  exit_code: number | null;
}

/**
 * Starts firmware-sim/main.ts with `args`. Resolves once `device_count` device lines are out, or when
 * the simulator exits first.
 */
function runSimulator(args: readonly string[], device_count: number): Promise<SimulatorOutput> {
  const simulator = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/main.ts', ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child = simulator;
  let stdout = '';
  let stderr = '';
  return new Promise((resolve) => {
    simulator.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    simulator.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const device_lines = stdout.split('\n').filter((line) => /^(room|ctrl|truck)-\d/.test(line));
      if (device_lines.length >= device_count) resolve({ stdout, stderr, exit_code: null });
    });
    simulator.on('exit', (code) => resolve({ stdout, stderr, exit_code: code }));
  });
}

/** Finds a port `p` such that `p` and `p + 1` are both free on 127.0.0.1. */
async function twoFreePorts(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if (port >= 65535) continue;
    const next = createServer();
    const free = await new Promise<boolean>((resolve) => {
      next.once('error', () => resolve(false));
      next.listen(port + 1, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => next.close(() => resolve()));
      return port;
    }
  }
  throw new Error('found no two consecutive free ports on 127.0.0.1 in 20 attempts');
}

async function readAirWord(port: number): Promise<number> {
  client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  client.setTimeout(2000);
  const { data } = await client.readInputRegisters(0, 1);
  await new Promise<void>((resolve) => client!.close(() => resolve()));
  return data[0]!;
}

describe('simulator CLI ports and broker', () => {
  it('listens on --modbus-port and the next port', async () => {
    const base = await twoFreePorts();
    const output = await runSimulator(
      ['--rooms', '0', '--trucks', '0', '--controllers', '2', '--modbus-port', String(base)],
      2,
    );
    expect(output.exit_code).toBeNull();
    const lines = output.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^ctrl-1 .* modbus tcp 127\\.0\\.0\\.1:${base} unit 1$`)),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^ctrl-2 .* modbus tcp 127\\.0\\.0\\.1:${base + 1} unit 1$`)),
    );
    expect(typeof (await readAirWord(base))).toBe('number');
    expect(typeof (await readAirWord(base + 1))).toBe('number');
  });

  it('names the port and option in use', async () => {
    const base = await twoFreePorts();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(base + 1, '127.0.0.1', resolve));
    const output = await runSimulator(
      ['--rooms', '0', '--trucks', '0', '--controllers', '2', '--modbus-port', String(base)],
      2,
    );
    expect(output.exit_code).toBe(1);
    expect(output.stderr).toContain('coldpool-sim: SIM_MODBUS_PORT_IN_USE: Device ctrl-2 cannot listen');
    expect(output.stderr).toContain(`ctrl-2 cannot listen on Modbus TCP 127.0.0.1:${base + 1}`);
    expect(output.stderr).toContain('already in use');
    expect(output.stderr).toContain(`--modbus-port (ctrl-N listens on ${base} + N - 1)`);
  });

  it('rejects --modbus-port past the last port', async () => {
    const output = await runSimulator(
      ['--rooms', '0', '--trucks', '0', '--controllers', '2', '--modbus-port', '65535'],
      2,
    );
    expect(output.exit_code).toBe(1);
    expect(output.stderr).toContain('--modbus-port 65535 is invalid');
  });

  it('runs controllers alone without --broker', async () => {
    const output = await runSimulator(['--rooms', '0', '--trucks', '0', '--controllers', '1'], 1);
    expect(output.exit_code).toBeNull();
    expect(output.stderr).not.toContain('--broker');
    const port = Number(/^ctrl-1 .* modbus tcp 127\.0\.0\.1:(\d+) unit 1$/m.exec(output.stdout)?.[1]);
    expect(typeof (await readAirWord(port))).toBe('number');
  });

  it('names the MQTT devices that need --broker', async () => {
    const output = await runSimulator(['--rooms', '2', '--trucks', '1', '--controllers', '0'], 3);
    expect(output.exit_code).toBe(1);
    expect(output.stderr).toContain('coldpool-sim: SIM_BROKER_REQUIRED: No MQTT broker URL is set');
    expect(output.stderr).toContain('room-1, room-2, truck-1 publish over MQTT');
    expect(output.stderr).toContain('--broker');
    expect(output.stdout).toBe('');
  });

  it('names one MQTT device in the singular', async () => {
    const output = await runSimulator(['--rooms', '1', '--trucks', '0', '--controllers', '0'], 1);
    expect(output.exit_code).toBe(1);
    expect(output.stderr).toContain('but room-1 publishes over MQTT;');
  });
});
