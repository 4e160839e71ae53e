import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBE_DISCONNECTED_WORD, PROBE_FAULT_WORD } from '../../firmware-sim/controller-registers.js';
import { ModbusController } from '../../firmware-sim/modbus-controller.js';
import type { ModbusWireFaultRates } from '../../firmware-sim/modbus-wire-faults.js';
import { ManualClock } from '../../firmware-sim/physics/clock.js';
import { CHILLED_ROOM, FROZEN_ROOM } from '../../firmware-sim/physics/cold-room-params.js';

// modbus-serial is CommonJS: its module object is the ModbusRTU client class and carries it as `default`.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

const START_MS = Date.UTC(2026, 11, 4, 0, 0, 0);
const QUIET = { door_openings_per_h: 0, defrost_interval_s: 0 };

let controller: ModbusController | undefined;
let client: ModbusClient | undefined;

/** Decodes an int16 tenths word the way a register reader would, independent of the simulator. */
function tenths(word: number): number {
  return (word >= 0x8000 ? word - 0x10000 : word) / 10;
}

async function startController(
  clock: ManualClock,
  params = CHILLED_ROOM,
  unit_id = 1,
  wire_faults?: ModbusWireFaultRates,
): Promise<ModbusClient> {
  controller = new ModbusController({
    device_id: 'ctrl-t',
    params: { ...params, ...QUIET },
    clock,
    unit_id,
    ...(wire_faults ? { wire_faults } : {}),
  });
  await controller.start();
  client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port: controller.port });
  client.setID(unit_id);
  client.setTimeout(1000);
  return client;
}

afterEach(async () => {
  if (client?.isOpen) await new Promise<void>((resolve) => client!.close(() => resolve()));
  await controller?.stop();
  client = undefined;
  controller = undefined;
});

describe('ModbusController', () => {
  it('listens on a free port of 127.0.0.1', async () => {
    await startController(new ManualClock(START_MS));
    expect(controller!.port).toBeGreaterThan(0);
    expect(controller!.host).toBe('127.0.0.1');
  });

  it('serves temperatures as int16 tenths', async () => {
    const modbus = await startController(new ManualClock(START_MS), FROZEN_ROOM);
    const { data } = await modbus.readInputRegisters(0, 3);
    expect(tenths(data[0]!)).toBeCloseTo(controller!.model.state.air_c, 1);
    expect(tenths(data[1]!)).toBeCloseTo(controller!.model.state.evaporator_c, 1);
    expect(tenths(data[2]!)).toBeCloseTo(-18, 1);
  });

  it('serves compressor power as float32 CDAB', async () => {
    const clock = new ManualClock(START_MS);
    const modbus = await startController(clock);
    clock.advance(3_600_000);
    const { buffer } = await modbus.readInputRegisters(3, 2);
    const abcd = Buffer.from([buffer[2]!, buffer[3]!, buffer[0]!, buffer[1]!]);
    const state = controller!.model.state;
    expect(abcd.readFloatBE(0)).toBeCloseTo(state.compressor_power_kw, 5);
  });

  it('serves run time as uint32 ABCD', async () => {
    const clock = new ManualClock(START_MS);
    const modbus = await startController(clock);
    clock.advance(6 * 3_600_000);
    const { buffer } = await modbus.readInputRegisters(5, 2);
    const run_s = buffer.readUInt32BE(0);
    expect(run_s).toBe(Math.floor(controller!.model.state.compressor_run_s));
    expect(run_s).toBeGreaterThan(600);
  });

  it('reads the register block in one snapshot', async () => {
    const clock = new ManualClock(START_MS);
    const modbus = await startController(clock);
    clock.advance(3_600_000);
    const { data } = await modbus.readInputRegisters(0, 7);
    expect(data).toHaveLength(7);
    expect(tenths(data[0]!)).toBeCloseTo(controller!.model.state.air_c, 1);
  });

  it('reports 0x7FFF and the probe alarm on a probe fault', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    controller!.injectFault('probe_fault');
    expect((await modbus.readInputRegisters(0, 1)).data[0]).toBe(PROBE_FAULT_WORD);
    expect((await modbus.readDiscreteInputs(3, 1)).data[0]).toBe(true);
  });

  it('reports 0x8000 when the probe is disconnected', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    controller!.injectFault('probe_disconnected');
    expect((await modbus.readInputRegisters(0, 1)).data[0]).toBe(PROBE_DISCONNECTED_WORD);
    expect((await modbus.readDiscreteInputs(3, 1)).data[0]).toBe(true);
  });

  it('clears the probe alarm with the fault', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    controller!.injectFault('probe_fault');
    controller!.clearFault();
    expect((await modbus.readInputRegisters(0, 1)).data[0]).not.toBe(PROBE_FAULT_WORD);
    expect((await modbus.readDiscreteInputs(3, 1)).data[0]).toBe(false);
  });

  it('freezes the air word while stuck', async () => {
    const clock = new ManualClock(START_MS);
    const modbus = await startController(clock);
    controller!.injectFault('stuck');
    const words = new Set<number>();
    for (let i = 0; i < 20; i++) {
      clock.advance(120_000);
      words.add((await modbus.readInputRegisters(0, 1)).data[0]!);
    }
    expect(words.size).toBe(1);
  });

  it('serves setpoint and differential', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    const { data } = await modbus.readHoldingRegisters(100, 2);
    expect(tenths(data[0]!)).toBe(2);
    expect(tenths(data[1]!)).toBe(0.6);
  });

  it('changes the setpoint on a register write', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    await modbus.writeRegister(100, 0x10000 - 25);
    expect(controller!.model.params.setpoint_c).toBe(-2.5);
    expect(tenths((await modbus.readHoldingRegisters(100, 1)).data[0]!)).toBe(-2.5);
  });

  it('writes both registers with function 16', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    await modbus.writeRegisters(100, [0x0028, 0x000a]);
    expect(controller!.model.params.setpoint_c).toBe(4);
    expect(controller!.model.params.differential_k).toBe(1);
  });

  it('rejects coil writes with exception 2', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    await expect(modbus.writeCoil(1, true)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('rejects an out-of-range setpoint with exception 3', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    await expect(modbus.writeRegister(100, 500)).rejects.toMatchObject({ modbusCode: 3 });
    expect(controller!.model.params.setpoint_c).toBe(2);
  });

  it('rejects unmapped addresses with exception 2', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    await expect(modbus.readInputRegisters(5, 5)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(modbus.readHoldingRegisters(0, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(modbus.readCoils(0, 4)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('serves compressor, defrost and fan coils', async () => {
    const clock = new ManualClock(START_MS);
    const modbus = await startController(clock);
    clock.advance(3_600_000);
    const coils = (await modbus.readCoils(0, 3)).data.slice(0, 3);
    const state = controller!.model.state;
    expect(coils).toEqual([state.compressor_on, state.phase === 'defrost', state.fans_on]);
  });

  it('raises the high alarm after the delay', async () => {
    const clock = new ManualClock(START_MS);
    const modbus = await startController(clock);
    controller!.model.openDoor(3600);
    clock.advance(60_000);
    expect((await modbus.readDiscreteInputs(0, 4)).data.slice(0, 2)).toEqual([true, false]);
    for (let i = 0; i < 30; i++) clock.advance(60_000);
    expect((await modbus.readDiscreteInputs(1, 1)).data[0]).toBe(true);
  });

  it('closes and reopens on disconnect', async () => {
    const modbus = await startController(new ManualClock(START_MS));
    const port = controller!.port;
    controller!.injectFault('disconnect');
    await expect(modbus.readInputRegisters(0, 1)).rejects.toThrow();
    controller!.clearFault();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = new ModbusRTU();
    await again.connectTCP('127.0.0.1', { port });
    again.setID(1);
    expect((await again.readInputRegisters(0, 1)).data).toHaveLength(1);
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('listens again when stuck replaces disconnect', async () => {
    await startController(new ManualClock(START_MS));
    const port = controller!.port;
    controller!.injectFault('disconnect');
    controller!.injectFault('stuck');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = new ModbusRTU();
    await again.connectTCP('127.0.0.1', { port });
    again.setID(1);
    expect((await again.readInputRegisters(0, 1)).data).toHaveLength(1);
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('ignores requests for another unit id', async () => {
    const modbus = await startController(new ManualClock(START_MS), CHILLED_ROOM, 7);
    modbus.setID(8);
    await expect(modbus.readInputRegisters(0, 1)).rejects.toThrow(/timed out/i);
  });

  it('rejects the malformed fault', async () => {
    await startController(new ManualClock(START_MS));
    expect(() => controller!.injectFault('malformed')).toThrow(/cannot simulate fault "malformed"/);
  });
});

describe('ModbusController wire faults', () => {
  const CLEAN = { late_share: 0, late_ms: 600, exception_share: 0, drop_share: 0 };

  for (const length of [1, 7]) {
    it(`replies late to a read of ${length}`, async () => {
      const modbus = await startController(new ManualClock(START_MS), CHILLED_ROOM, 1, { ...CLEAN, late_share: 1 });
      modbus.setTimeout(3000);
      const started = performance.now();
      const { data } = await modbus.readInputRegisters(0, length);
      expect(performance.now() - started).toBeGreaterThanOrEqual(550);
      expect(data).toHaveLength(length);
    });

    it(`drops a read of ${length}`, async () => {
      const modbus = await startController(new ManualClock(START_MS), CHILLED_ROOM, 1, { ...CLEAN, drop_share: 1 });
      modbus.setTimeout(800);
      const started = performance.now();
      await expect(modbus.readInputRegisters(0, length)).rejects.toThrow(/timed out/i);
      expect(performance.now() - started).toBeGreaterThanOrEqual(750);
    });
  }

  it('times out a reply later than the client waits', async () => {
    const modbus = await startController(new ManualClock(START_MS), CHILLED_ROOM, 1, { ...CLEAN, late_share: 1 });
    modbus.setTimeout(300);
    await expect(modbus.readInputRegisters(0, 7)).rejects.toThrow(/timed out/i);
  });

  it('replies exception 04 to a faulted read', async () => {
    const modbus = await startController(new ManualClock(START_MS), CHILLED_ROOM, 1, { ...CLEAN, exception_share: 1 });
    await expect(modbus.readInputRegisters(0, 7)).rejects.toMatchObject({ modbusCode: 4 });
    await expect(modbus.readInputRegisters(0, 1)).rejects.toMatchObject({ modbusCode: 4 });
  });

  it('keeps exception 02 for unmapped addresses', async () => {
    const modbus = await startController(new ManualClock(START_MS), CHILLED_ROOM, 1, CLEAN);
    await expect(modbus.readInputRegisters(5, 5)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(modbus.readInputRegisters(9, 1)).rejects.toMatchObject({ modbusCode: 2 });
  });
});
