/**
 * Acceptance test of the RTU bus: three simulated controllers on one pty at 9600 8N1, polled for a
 * minute while the line carries noise, echoes, fragments and corrupt frames, and one unit goes silent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { ModbusRtuBus } from '../../../devices/modbus/rtu-bus.js';
import type { DeviceSample } from '../../../devices/sample.js';
import type { ControllerValues } from '../../../firmware-sim/rtu/controller-values.js';
import { RtuControllerSim, type ServedReply } from '../../../firmware-sim/rtu/rtu-controller-sim.js';
import { builtInProfiles } from '../../../gateway/config/load.js';
import { type PtyPair, startPtyPair } from './pty-pair.js';

const RUN_MS = 60_000;
const SILENT_AT_MS = 20_000;
const POLL_INTERVAL_MS = 1000;
const TIMEOUT_MS = 200;
// With 5 % of unit 1's replies corrupt, 3 retries leave a 0.05^4 chance that one request fails: about
// 0.15 % that any of its 240 requests in a minute does.
const RETRIES = 3;
const SILENT_UNIT = 3;
const FUNCTION_CODES = { coil: 1, discrete: 2, holding: 3, input: 4 } as const;

interface Run {
  samples: Map<number, DeviceSample[]>;
  states: Map<number, Array<{ up: boolean; time_ms: number }>>;
  served: ServedReply[];
  silentAt: number;
  stats: ReturnType<ModbusRtuBus['stats']>;
  health: ReturnType<ModbusRtuBus['health']>;
  unhandled: unknown[];
}

let pair: PtyPair;
let run: Run;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function registerFields(): RegisterField[] {
  const profile = builtInProfiles()['generic-tenths-c'];
  if (!profile?.registers) throw new Error('profile generic-tenths-c has no registers');
  return profile.registers.map((field) => ({ ...field }));
}

/** Finds the latest intact data reply to `unitId` for `functionCode` sent before `timeMs`. */
function servedBefore(
  served: ServedReply[],
  unitId: number,
  functionCode: number,
  timeMs: number,
): ServedReply | undefined {
  let found: ServedReply | undefined;
  for (const reply of served) {
    if (reply.time_ms > timeMs) break;
    if (reply.unit_id === unitId && reply.function_code === functionCode && reply.intact && reply.kind === 'data') {
      found = reply;
    }
  }
  return found;
}

function gaps(samples: DeviceSample[]): number[] {
  return samples.slice(1).map((sample, i) => sample.receive_time_ms - samples[i]!.receive_time_ms);
}

beforeAll(async () => {
  pair = await startPtyPair();
  const sim = new RtuControllerSim({
    path: pair.device_path,
    units: [1, 2, 3],
    baud_rate: 9600,
    parity: 'none',
    seed: 7,
  });
  sim.setFaults(1, { noise_bytes: 3, corrupt_share: 0.05 });
  sim.setFaults(2, { echo: true, fragment: true });
  sim.setFaults(3, { noise_bytes: 1 });
  await sim.start();

  const unhandled: unknown[] = [];
  const onUnhandled = (error: unknown) => unhandled.push(error);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);

  const bus = new ModbusRtuBus({ path: pair.gateway_path, baud_rate: 9600, parity: 'none', stop_bits: 1 });
  const fields = registerFields();
  const samples = new Map<number, DeviceSample[]>();
  const states = new Map<number, Array<{ up: boolean; time_ms: number }>>();
  for (const unitId of [1, 2, 3]) {
    samples.set(unitId, []);
    states.set(unitId, []);
    const device = bus.addDevice({
      id: `room-${unitId}`,
      unit_id: unitId,
      poll_interval_ms: POLL_INTERVAL_MS,
      timeout_ms: TIMEOUT_MS,
      retries: RETRIES,
      backoff_max_ms: 8000,
      max_gap: 8,
      fields,
    });
    device.on('sample', (sample) => samples.get(unitId)!.push(sample));
    device.on('state', ({ up }) => states.get(unitId)!.push({ up, time_ms: Date.now() }));
  }
  bus.start();
  await sleep(SILENT_AT_MS);
  const silentAt = Date.now();
  sim.setFaults(SILENT_UNIT, { silent: true });
  await sleep(RUN_MS - SILENT_AT_MS);
  await bus.stop();
  await sim.stop();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  run = { samples, states, served: sim.served, silentAt, stats: bus.stats(), health: bus.health(), unhandled };
}, RUN_MS + 30_000);

afterAll(async () => {
  await pair?.close();
});

describe('rtu-bus acceptance', () => {
  it('nothing crashes', () => {
    expect(run.unhandled).toEqual([]);
  });

  it('line faults were injected', () => {
    expect(run.stats.crc_errors).toBeGreaterThan(0);
    expect(run.stats.echoes_ignored).toBeGreaterThan(0);
    expect(run.stats.bytes_discarded).toBeGreaterThan(0);
  });

  it.each([1, 2])('healthy unit %i keeps its slots', (unitId) => {
    const samples = run.samples.get(unitId)!;
    const health = run.health.find((entry) => entry.unit_id === unitId)!;
    const slots = RUN_MS / POLL_INTERVAL_MS;
    expect(samples.length).toBeGreaterThanOrEqual(57);
    // Every slot of the run had a poll or was skipped, so the polls did not drift off the grid.
    expect(health.polls_ok + health.polls_failed + health.slots_skipped).toBeGreaterThanOrEqual(slots - 1);
    expect(health.polls_ok + health.polls_failed + health.slots_skipped).toBeLessThanOrEqual(slots + 1);
    // A poll may wait for one attempt of the silent unit and for the other healthy unit's poll, and then take
    // a timeout of its own for a corrupt reply. Such a poll ends after its slot, so the next slot is skipped.
    expect(health.slots_skipped).toBeLessThanOrEqual(3);
    expect(Math.max(...gaps(samples))).toBeLessThan(2 * POLL_INTERVAL_MS + 4 * TIMEOUT_MS);
  });

  it.each([1, 2])('healthy unit %i stays up', (unitId) => {
    expect(run.states.get(unitId)!.map((state) => state.up)).toEqual([true]);
    expect(run.health.find((health) => health.unit_id === unitId)!.up).toBe(true);
  });

  it('silent unit is marked down', () => {
    const states = run.states.get(SILENT_UNIT)!;
    expect(states.map((state) => state.up)).toEqual([true, false]);
    expect(states[1]!.time_ms - run.silentAt).toBeLessThan(POLL_INTERVAL_MS + (RETRIES + 1) * TIMEOUT_MS + 200);
    const health = run.health.find((entry) => entry.unit_id === SILENT_UNIT)!;
    expect(health.up).toBe(false);
    expect(health.consecutive_failures).toBeGreaterThanOrEqual(4);
    expect(health.last_error_code).toBe('MODBUS_TIMEOUT');
  });

  it('silent unit sends no samples', () => {
    const samples = run.samples.get(SILENT_UNIT)!;
    expect(samples.length).toBeGreaterThanOrEqual(18);
    const late = samples.filter((sample) => sample.receive_time_ms > run.silentAt + 500);
    expect(late).toEqual([]);
  });

  it('every value matches what was served', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const [unitId, samples] of run.samples) {
      for (const sample of samples) {
        expect(sample.errors).toEqual([]);
        for (const field of sample.fields) {
          const spec = field.spec as RegisterField;
          const reply = servedBefore(run.served, unitId, FUNCTION_CODES[spec.table], sample.receive_time_ms);
          const expected = reply?.values[spec.name as keyof ControllerValues];
          const same =
            typeof expected === 'number' && typeof field.value === 'number'
              ? Math.abs(expected - field.value) < 1e-9
              : expected === field.value;
          compared++;
          if (!same) mismatches.push(`unit ${unitId} ${spec.name}: decoded ${field.value}, served ${expected}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(1500);
  });
});
