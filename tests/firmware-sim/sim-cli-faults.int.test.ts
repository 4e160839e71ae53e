import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/aedes-broker.js';

// modbus-serial is CommonJS: its module object is the ModbusRTU client class and carries it as `default`.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

const root = fileURLToPath(new URL('../../', import.meta.url));

let broker: TestBroker | undefined;
let child: ChildProcessWithoutNullStreams | undefined;
let client: ModbusClient | undefined;

afterEach(async () => {
  if (client?.isOpen) await new Promise<void>((resolve) => client!.close(() => resolve()));
  client = undefined;
  if (child !== undefined && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await broker?.stop();
  broker = undefined;
});

/** Starts firmware-sim/main.ts with `args` and resolves with its stdout once every device line is out. */
function startSimulator(args: readonly string[], device_count: number): Promise<string> {
  const simulator = spawn(process.execPath, ['--import', 'tsx', 'firmware-sim/main.ts', ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child = simulator;
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    simulator.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    simulator.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const device_lines = stdout.split('\n').filter((line) => /^(room|ctrl|truck)-\d/.test(line));
      if (device_lines.length >= device_count) resolve(stdout);
    });
    simulator.on('exit', (code) => reject(new Error(`simulator exited with code ${code}: ${stderr}`)));
  });
}

/** Port of the Modbus controller `id` in the simulator's device list. */
function controllerPort(stdout: string, id: string): number {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${id} `));
  const match = /modbus tcp 127\.0\.0\.1:(\d+)/.exec(line ?? '');
  if (match === null) throw new Error(`no Modbus address for ${id} in: ${stdout}`);
  return Number(match[1]);
}

async function connect(port: number, timeout_ms: number): Promise<ModbusClient> {
  client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  client.setTimeout(timeout_ms);
  return client;
}

describe('simulator CLI --fault', () => {
  it('starts controllers with wire faults', async () => {
    broker = await startTestBroker();
    const stdout = await startSimulator(
      [
        '--broker',
        broker.url,
        '--rooms',
        '0',
        '--trucks',
        '0',
        '--controllers',
        '2',
        '--fault',
        'ctrl-1:drop_share=1',
        '--fault',
        'ctrl-2:late_share=1',
        '--fault',
        'ctrl-2:late_ms=700',
      ],
      2,
    );

    const dropping = await connect(controllerPort(stdout, 'ctrl-1'), 500);
    await expect(dropping.readInputRegisters(0, 7)).rejects.toThrow(/timed out/i);
    await new Promise<void>((resolve) => dropping.close(() => resolve()));

    const late = await connect(controllerPort(stdout, 'ctrl-2'), 3000);
    const started = performance.now();
    const { data } = await late.readInputRegisters(0, 7);
    expect(performance.now() - started).toBeGreaterThanOrEqual(650);
    expect(data).toHaveLength(7);
  });

  it('rejects an unknown key by name', async () => {
    broker = await startTestBroker();
    const exit = startSimulator(['--broker', broker.url, '--controllers', '1', '--fault', 'ctrl-1:jitter=1'], 1);
    await expect(exit).rejects.toThrow(
      /--fault ctrl-1:jitter=1 is invalid: a controller has no fault "jitter": use one of fault, drift_k_per_h/,
    );
    expect(child?.exitCode).toBe(1);
  });
});
