import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Collector, startTestBroker, type TestBroker } from './support/aedes-broker.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOPIC = 'sim/rooms/room-1/state';

let broker: TestBroker | undefined;
let collector: Collector | undefined;
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await collector?.close();
  collector = undefined;
  await broker?.stop();
  broker = undefined;
});

/** Output of the simulator so far. */
interface Output {
  stdout: string;
  stderr: string;
}

/** Starts firmware-sim/main.ts with one room node publishing every 100 ms, reading commands from stdin. */
function startSimulator(
  url: string,
  extra: readonly string[] = [],
): { simulator: ChildProcessWithoutNullStreams; output: Output } {
  const simulator = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'firmware-sim/main.ts',
      '--broker',
      url,
      '--rooms',
      '1',
      '--controllers',
      '0',
      '--trucks',
      '0',
      '--interval-ms',
      '100',
      ...extra,
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child = simulator;
  const output: Output = { stdout: '', stderr: '' };
  simulator.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  simulator.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return { simulator, output };
}

async function waitUntil(check: () => boolean, what: string, timeout_ms = 10_000): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('simulator CLI --fault-commands', () => {
  it('applies fault and clear commands', async () => {
    broker = await startTestBroker();
    collector = await Collector.subscribe(broker.url, TOPIC);
    const { simulator, output } = startSimulator(broker.url, ['--fault-commands']);
    await collector.waitFor(TOPIC, 2, 15_000);
    expect(collector.on(TOPIC).every((message) => isJson(message.payload))).toBe(true);

    simulator.stdin.write('fault room-1 malformed\n');
    await waitUntil(() => collector!.on(TOPIC).some((message) => !isJson(message.payload)), 'a malformed payload');
    expect(output.stdout).toMatch(/"device_id":"room-1","fault":"malformed".*"msg":"fault injected"/);

    simulator.stdin.write('clear room-1\n');
    await waitUntil(() => output.stdout.includes('"msg":"fault cleared"'), 'the clear to be logged');
    const cleared = collector.on(TOPIC).length;
    await waitUntil(() => collector!.on(TOPIC).length >= cleared + 3, 'three payloads after the clear');
    // A publish in flight when the clear arrived may still carry the fault, so only the later ones must be JSON.
    expect(
      collector
        .on(TOPIC)
        .slice(cleared + 1)
        .every((message) => isJson(message.payload)),
    ).toBe(true);
  });

  it('reports bad lines and keeps running', async () => {
    broker = await startTestBroker();
    collector = await Collector.subscribe(broker.url, TOPIC);
    const { simulator, output } = startSimulator(broker.url, ['--fault-commands']);
    await collector.waitFor(TOPIC, 1, 15_000);

    simulator.stdin.write('fault room-1 frozen\nfault room-9 stuck\nhelp\n');
    await waitUntil(() => output.stderr.includes('SIM_DEVICE_NOT_FOUND'), 'the unknown device error');
    expect(output.stderr).toContain(
      'coldpool-sim: SIM_COMMAND_INVALID: command "fault room-1 frozen" is invalid: "frozen" is not a fault',
    );
    expect(output.stderr).toContain(
      'coldpool-sim: SIM_DEVICE_NOT_FOUND: Device "room-9" is not in the simulated fleet: use one of room-1',
    );
    await waitUntil(() => output.stdout.includes('clear DEVICE'), 'the help text');
    const before = collector.on(TOPIC).length;
    await collector.waitFor(TOPIC, before + 2);
    expect(simulator.exitCode).toBeNull();
  });

  it('ignores stdin without the option', async () => {
    broker = await startTestBroker();
    collector = await Collector.subscribe(broker.url, TOPIC);
    const { simulator, output } = startSimulator(broker.url);
    await collector.waitFor(TOPIC, 1, 15_000);

    simulator.stdin.write('fault room-1 malformed\n');
    const before = collector.on(TOPIC).length;
    await collector.waitFor(TOPIC, before + 3);
    expect(collector.on(TOPIC).every((message) => isJson(message.payload))).toBe(true);
    expect(output.stdout).not.toContain('fault injected');
  });
});
