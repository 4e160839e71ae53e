import modbusSerial from 'modbus-serial';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fleetFaults, parseFaultOption } from '../../firmware-sim/fault-options.js';
import { type Fleet, plannedDevices, startFleet } from '../../firmware-sim/fleet.js';
import { Collector, startTestBroker, type TestBroker } from './support/aedes-broker.js';

// modbus-serial is CommonJS: its module object is the ModbusRTU client class and carries it as `default`.
const ModbusRTU = modbusSerial.default;

let broker: TestBroker;
let collector: Collector;
let fleet: Fleet | undefined;

beforeEach(async () => {
  broker = await startTestBroker();
  collector = await Collector.subscribe(broker.url, 'sim/#');
});

afterEach(async () => {
  await fleet?.stop();
  fleet = undefined;
  await collector.close();
  await broker.stop();
});

describe('startFleet', () => {
  it('starts devices with their faults', async () => {
    const counts = { rooms: 1, controllers: 1, trucks: 0 };
    const options = ['room-1:fault=malformed', 'ctrl-1:fault=probe_fault', 'ctrl-1:compressor_failed=true'];
    const faults = fleetFaults(options.map(parseFaultOption), plannedDevices(counts));
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 50, ...counts, faults });

    const messages = await collector.waitFor('sim/rooms/room-1/state', 1);
    expect(messages[0]!.payload).toContain('NaN');
    const controller = fleet.devices.find((device) => device.id === 'ctrl-1')!;
    const client = new ModbusRTU();
    await client.connectTCP(controller.host!, { port: controller.port! });
    client.setID(1);
    expect((await client.readInputRegisters(0, 1)).data[0]).toBe(0x7fff);
    await new Promise<void>((resolve) => client.close(() => resolve()));
  });

  it('rejects faults of an unknown device', async () => {
    const faults = new Map([['ctrl-7', { drift_k_per_h: 1 }]]);
    await expect(startFleet({ broker_url: broker.url, rooms: 0, trucks: 0, faults })).rejects.toThrow(
      'Device "ctrl-7" is not in the simulated fleet: use one of ctrl-1, ctrl-2',
    );
  });

  it('names devices by kind and number', async () => {
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 50 });
    expect(fleet.devices.map((device) => device.id)).toEqual([
      'room-1',
      'room-2',
      'room-3',
      'ctrl-1',
      'ctrl-2',
      'truck-1',
      'truck-2',
    ]);
  });

  it('gives room-2 the fahrenheit dialect', async () => {
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 50, controllers: 0, trucks: 0 });
    expect(fleet.devices.map((device) => device.dialect)).toEqual(['celsius', 'fahrenheit', 'celsius']);
  });

  it('publishes on every MQTT topic it lists', async () => {
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 50, controllers: 0 });
    for (const device of fleet.devices) {
      const messages = await collector.waitFor(device.topic!, 1);
      expect(JSON.parse(messages[0]!.payload).seq).toBe(1);
    }
  });

  it('serves every listed controller over Modbus TCP', async () => {
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 50, rooms: 0, trucks: 0 });
    const setpoints: number[] = [];
    for (const device of fleet.devices) {
      expect(device.protocol).toBe('modbus_tcp');
      const client = new ModbusRTU();
      await client.connectTCP(device.host!, { port: device.port! });
      client.setID(device.unit_id!);
      const word = (await client.readHoldingRegisters(100, 1)).data[0]!;
      setpoints.push((word >= 0x8000 ? word - 0x10000 : word) / 10);
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
    expect(setpoints).toEqual([2, -18]);
  });

  it('routes faults to one device', async () => {
    fleet = await startFleet({ broker_url: broker.url, interval_ms: 50, controllers: 0, trucks: 0 });
    fleet.injectFault('room-3', 'probe_fault');
    const before = collector.on('sim/rooms/room-1/state').length;
    const room3 = await collector.waitFor('sim/rooms/room-3/state', 3);
    const room1 = await collector.waitFor('sim/rooms/room-1/state', before + 2);
    expect(JSON.parse(room3.at(-1)!.payload).temp_c).toBe(-127);
    expect(JSON.parse(room1.at(-1)!.payload).temp_c).not.toBe(-127);
  });

  it('rejects an unknown device id', async () => {
    fleet = await startFleet({ broker_url: broker.url, rooms: 1, controllers: 0, trucks: 0 });
    expect(() => fleet!.injectFault('room-9', 'stuck')).toThrow(/room-9.*not in the simulated fleet/);
  });

  it('rejects a negative device count', async () => {
    await expect(startFleet({ broker_url: broker.url, rooms: -1 })).rejects.toThrow(/rooms -1 is invalid/);
  });

  it('stops publishing and serving on stop', async () => {
    const running = await startFleet({ broker_url: broker.url, interval_ms: 50, rooms: 1, controllers: 1, trucks: 0 });
    await collector.waitFor('sim/rooms/room-1/state', 1);
    await running.stop();
    const count = collector.on('sim/rooms/room-1/state').length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(collector.on('sim/rooms/room-1/state').length).toBe(count);
    const controller = running.devices.find((device) => device.kind === 'controller')!;
    const client = new ModbusRTU();
    await expect(client.connectTCP(controller.host!, { port: controller.port! })).rejects.toThrow();
  });
  it('reports a failed reconnect', async () => {
    const own = await startTestBroker();
    const failures: { device_id: string; error: unknown }[] = [];
    fleet = await startFleet({
      broker_url: own.url,
      interval_ms: 50,
      rooms: 1,
      controllers: 0,
      trucks: 0,
      on_device_error: (device_id, error) => failures.push({ device_id, error }),
    });
    fleet.injectFault('room-1', 'disconnect');
    await own.stop();
    fleet.clearFault('room-1');
    const deadline = Date.now() + 5000;
    while (failures.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failures[0]?.device_id).toBe('room-1');
    expect(failures[0]?.error).toMatchObject({ code: 'SIM_BROKER_CONNECT_FAILED' });
  });
});
