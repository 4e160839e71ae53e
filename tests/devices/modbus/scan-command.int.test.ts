import { afterEach, describe, expect, it } from 'vitest';
import { RtuControllerSim } from '../../../firmware-sim/rtu/rtu-controller-sim.js';
import { parseUnits, type ScanOptions, scanCommand } from '../../../gateway/cli/commands/scan.js';
import { type RunningServer, startRegisterServer } from './modbus-peers.js';
import { type PtyPair, startPtyPair } from './pty-pair.js';

const DEFAULTS: ScanOptions = {
  port: '502',
  baud: '9600,19200,38400',
  parity: 'none,even',
  stopBits: '1',
  units: '1-8',
  timeoutMs: '60',
};

let pair: PtyPair | undefined;
let sim: RtuControllerSim | undefined;
let server: RunningServer | undefined;

afterEach(async () => {
  await sim?.stop();
  await pair?.close();
  await server?.close();
  sim = undefined;
  pair = undefined;
  server = undefined;
});

async function runScan(options: Partial<ScanOptions>): Promise<string[]> {
  let printed = '';
  await scanCommand({ ...DEFAULTS, ...options }, { write: (text: string) => (printed += text) });
  return printed.trim().split('\n');
}

async function startSim(units: number[]): Promise<string> {
  pair = await startPtyPair();
  sim = new RtuControllerSim({ path: pair.device_path, units });
  await sim.start();
  return pair.gateway_path;
}

describe('scan-command', () => {
  it('finds units on a serial bus', async () => {
    const path = await startSim([2, 5]);
    const lines = await runScan({ serial: path });
    expect(lines[0]).toBe(`scanning 8 unit ids on ${path} with 6 settings, about 4 s`);
    // The simulator has no holding register 0, so each unit answers with exception 2.
    expect(lines.slice(1)).toEqual(['9600 8N1: unit 2 (exception 2), 5 (exception 2)']);
  });

  it('tries every setting when asked', async () => {
    const path = await startSim([3]);
    const lines = await runScan({ serial: path, units: '3', allSettings: true });
    expect(lines.slice(1)).toEqual([
      '9600 8N1: unit 3 (exception 2)',
      '9600 8E1: unit 3 (exception 2)',
      '19200 8N1: unit 3 (exception 2)',
      '19200 8E1: unit 3 (exception 2)',
      '38400 8N1: unit 3 (exception 2)',
      '38400 8E1: unit 3 (exception 2)',
    ]);
  });

  it('reports a silent bus per setting', async () => {
    const path = await startSim([]);
    const lines = await runScan({ serial: path, units: '1-2', baud: '9600', parity: 'none,even' });
    expect(lines.slice(1)).toEqual(['9600 8N1: no unit answered', '9600 8E1: no unit answered']);
  });

  it('reports bytes without frames', async () => {
    const path = await startSim([1]);
    sim!.setFaults(1, { corrupt_share: 1 });
    const lines = await runScan({ serial: path, units: '1', baud: '9600', parity: 'none' });
    expect(lines[1]).toMatch(
      /^9600 8N1: no unit answered \(5 bytes without a valid frame: wrong baud rate or parity\?\)$/,
    );
  });

  it('reports exception replies as present', async () => {
    const path = await startSim([6]);
    sim!.setFaults(6, { exception: 6 });
    const lines = await runScan({ serial: path, units: '6' });
    expect(lines[1]).toBe('9600 8N1: unit 6 (exception 6)');
  });

  it('finds the unit of a tcp server', async () => {
    server = await startRegisterServer({ holding: new Map([[0, 7]]) });
    const lines = await runScan({ host: '127.0.0.1', port: String(server.port), units: '1-4' });
    expect(lines[1]).toBe(`127.0.0.1:${server.port}: unit 1`);
  });

  it('scan of 247 tcp units is bounded', async () => {
    server = await startRegisterServer({});
    const started = Date.now();
    const lines = await runScan({ host: '127.0.0.1', port: String(server.port), units: '1-247', timeoutMs: '20' });
    expect(lines[1]).toBe(`127.0.0.1:${server.port}: unit 1`);
    expect(Date.now() - started).toBeLessThan(247 * 20 * 3);
  });

  it('parses unit ranges', () => {
    expect(parseUnits('1-3,7,2')).toEqual([1, 2, 3, 7]);
    expect(parseUnits('247')).toEqual([247]);
  });

  it.each(['0', '248', '5-2', 'a'])('rejects units %s', (text) => {
    expect(() => parseUnits(text)).toThrow(/--units/);
  });
});
