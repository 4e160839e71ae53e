import { BrokerRequiredError } from './broker-required-error.js';
import type { DeviceFaults, FleetDeviceKind } from './fault-options.js';
import { DeviceNotFoundError, type Fault } from './faults.js';
import { ModbusController } from './modbus-controller.js';
import { MqttRoomNode } from './mqtt-room-node.js';
import { ScaledClock } from './physics/clock.js';
import { CHILLED_ROOM, FROZEN_ROOM } from './physics/cold-room-params.js';
import { deriveSeed } from './physics/prng.js';
import { type PaceReport, PublishPace } from './publish-pace.js';
import { DEFAULT_COMPARTMENTS, ReeferTruck } from './reefer-truck.js';
import type { RoomDialect } from './room-payloads.js';
import { MqttWireFaults } from './wire-faults.js';

export type { Fault } from './faults.js';

export interface FleetOptions {
  /**
   * Broker the MQTT devices publish to, such as `mqtt://127.0.0.1:1883`. Required when the fleet has room
   * nodes or trucks. `startFleet` raises `BrokerRequiredError` without it.
   */
  broker_url?: string;
  /** Number of MQTT room sensor nodes. Default 3. */
  rooms?: number;
  /** Number of Modbus TCP room controllers. Default 2. */
  controllers?: number;
  /** Number of reefer trucks. Default 2. */
  trucks?: number;
  /** Wall-clock time between publishes and model updates, ms. Default 2000. */
  interval_ms?: number;
  /** Simulated seconds per real second. Default 1. */
  time_scale?: number;
  /** Seed from which every device's seed derives. Default 1. */
  seed?: number;
  /** Address the Modbus controllers listen on. Default `127.0.0.1`. */
  modbus_host?: string;
  /**
   * First TCP port of the Modbus controllers: `ctrl-1` listens on it, `ctrl-2` on the next one, and so on.
   * Default: each controller takes a free port picked at start.
   */
  modbus_port?: number;
  /** Setting that gave `modbus_port`, named in the error when a port is in use. Default `modbus_port`. */
  modbus_port_origin?: string;
  /** MQTT user name. Default: none. */
  mqtt_username?: string;
  /** MQTT password. Default: none. */
  mqtt_password?: string;
  /** Faults and events each device shows from its start, by device id (`fleetFaults` builds them). Default: none. */
  faults?: ReadonlyMap<string, DeviceFaults>;
  /** Called when a device fails to publish, reconnect or listen again. Default: such errors are dropped. */
  on_device_error?: (device_id: string, error: unknown) => void;
  /**
   * Called at most once a minute while the MQTT devices publish clearly fewer messages than `interval_ms`
   * requests (`PublishPace`). Default: not measured.
   */
  on_publish_behind?: (report: PaceReport) => void;
}

/** Address and payload format of one simulated device, from which the gateway builds its config. */
export interface SimulatedDevice {
  id: string;
  kind: FleetDeviceKind;
  protocol: 'mqtt' | 'modbus_tcp';
  /** Payload dialect of a room node. */
  dialect?: 'celsius' | 'fahrenheit';
  /** Topic an MQTT device publishes to. */
  topic?: string;
  /** Address of a Modbus TCP device. */
  host?: string;
  port?: number;
  unit_id?: number;
  /** Setpoint of each simulated space, °C: one entry for a room, one per compartment (by id) for a truck. */
  setpoints_c: Record<string, number>;
}

/** A running fleet. */
export interface Fleet {
  devices: SimulatedDevice[];
  /** Makes one device show `fault`; raises `DeviceNotFoundError` or `FaultNotSupportedError`. */
  injectFault(device_id: string, fault: Fault): void;
  /** Returns one device to normal; raises `DeviceNotFoundError`. */
  clearFault(device_id: string): void;
  /** Stops every device. */
  stop(): Promise<void>;
}

type Simulator = MqttRoomNode | ModbusController | ReeferTruck;

/** Fleet options once a broker is known, which MQTT devices need. */
type MqttFleetOptions = FleetOptions & { broker_url: string };

interface Member {
  device: SimulatedDevice;
  simulator: Simulator;
}

/** Room nodes: room-2 speaks the fahrenheit dialect; every third room is a freezer. */
function roomMember(index: number, options: MqttFleetOptions, clock: ScaledClock, seed: number): Member {
  const id = `room-${index}`;
  const dialect: RoomDialect = index === 2 ? 'fahrenheit' : 'celsius';
  const roomParams = index % 3 === 0 ? FROZEN_ROOM : CHILLED_ROOM;
  const simulator = new MqttRoomNode({
    device_id: id,
    broker_url: options.broker_url,
    interval_ms: options.interval_ms ?? 2000,
    clock,
    username: options.mqtt_username,
    password: options.mqtt_password,
    dialect,
    params: roomParams,
    seed: deriveSeed(seed, index),
    time_scale: options.time_scale ?? 1,
    ...mqttWireFaults(options.faults?.get(id), deriveSeed(seed, 500 + index)),
  });
  return {
    device: {
      id,
      kind: 'room_node',
      protocol: 'mqtt',
      dialect,
      topic: simulator.topic,
      setpoints_c: { [id]: roomParams.setpoint_c },
    },
    simulator,
  };
}

/** Controllers: odd ones run chilled rooms, even ones freezers. */
function controllerMember(index: number, options: FleetOptions, clock: ScaledClock, seed: number): Member {
  const controllerParams = index % 2 === 0 ? FROZEN_ROOM : CHILLED_ROOM;
  const wire_faults = options.faults?.get(`ctrl-${index}`)?.modbus_wire;
  const base = options.modbus_port;
  const simulator = new ModbusController({
    device_id: `ctrl-${index}`,
    host: options.modbus_host ?? '127.0.0.1',
    port: base === undefined ? 0 : base + index - 1,
    ...(base === undefined ? {} : { port_origin: modbusPortOrigin(options, base) }),
    unit_id: 1,
    params: controllerParams,
    seed: deriveSeed(seed, 100 + index),
    clock,
    interval_ms: options.interval_ms ?? 2000,
    ...(wire_faults ? { wire_faults } : {}),
  });
  return {
    device: {
      id: `ctrl-${index}`,
      kind: 'controller',
      protocol: 'modbus_tcp',
      setpoints_c: { [`ctrl-${index}`]: controllerParams.setpoint_c },
    },
    simulator,
  };
}

/** Names the setting of the controllers' ports and how each port derives from it. */
function modbusPortOrigin(options: FleetOptions, base: number): string {
  return `${options.modbus_port_origin ?? 'modbus_port'} (ctrl-N listens on ${base} + N - 1)`;
}

/** Trucks start parked at different stops of the round, so their positions differ. */
function truckMember(index: number, options: MqttFleetOptions, clock: ScaledClock, seed: number): Member {
  const simulator = new ReeferTruck({
    device_id: `truck-${index}`,
    broker_url: options.broker_url,
    interval_ms: options.interval_ms ?? 2000,
    clock,
    username: options.mqtt_username,
    password: options.mqtt_password,
    seed: deriveSeed(seed, 200 + index),
    start_stop: index - 1,
    time_scale: options.time_scale ?? 1,
    ...mqttWireFaults(options.faults?.get(`truck-${index}`), deriveSeed(seed, 700 + index)),
  });
  const setpoints = Object.fromEntries(
    DEFAULT_COMPARTMENTS.map((compartment) => [compartment.id, compartment.params.setpoint_c]),
  );
  return {
    device: { id: `truck-${index}`, kind: 'truck', protocol: 'mqtt', topic: simulator.topic, setpoints_c: setpoints },
    simulator,
  };
}

/** Wire faults option of an MQTT device, or nothing when it has none. */
function mqttWireFaults(faults: DeviceFaults | undefined, seed: number): { wire_faults?: MqttWireFaults } {
  return faults?.mqtt_wire ? { wire_faults: new MqttWireFaults(faults.mqtt_wire, seed) } : {};
}

/** Thermal models a device's events act on: its room, or every compartment of a truck. */
function modelsOf(simulator: Simulator) {
  return simulator instanceof ReeferTruck
    ? simulator.compartments.map((compartment) => compartment.model)
    : [simulator.model];
}

/** Starts the faults and events `faults` lists on a started device. */
function applyFaults(simulator: Simulator, faults: DeviceFaults, now_ms: number): void {
  const models = modelsOf(simulator);
  for (const model of models) {
    if (faults.compressor_failed) model.setCompressorFailed(true);
    if (faults.defrost_stuck) model.setDefrostStuck(true);
    if (faults.power_cut) model.setPowered(false);
    if (faults.door_open_s !== undefined && faults.door_open_s > 0) model.openDoor(faults.door_open_s);
  }
  if (faults.drift_k_per_h !== undefined) simulator.drift.start(now_ms, faults.drift_k_per_h);
  if (faults.fault !== undefined) simulator.injectFault(faults.fault);
  else if (faults.power_cut && simulator instanceof ModbusController) simulator.injectFault('disconnect');
}

/** Ids and kinds of the devices `startFleet` starts with `options`, in start order. */
export function plannedDevices(options: Pick<FleetOptions, 'rooms' | 'controllers' | 'trucks'>): {
  id: string;
  kind: FleetDeviceKind;
}[] {
  return [
    ...range(countOption(options.rooms, 3, 'rooms')).map((i) => ({ id: `room-${i}`, kind: 'room_node' as const })),
    ...range(countOption(options.controllers, 2, 'controllers')).map((i) => ({
      id: `ctrl-${i}`,
      kind: 'controller' as const,
    })),
    ...range(countOption(options.trucks, 2, 'trucks')).map((i) => ({ id: `truck-${i}`, kind: 'truck' as const })),
  ];
}

function countOption(value: number | undefined, fallback: number, name: string): number {
  const count = value ?? fallback;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${name} ${count} is invalid: give a whole number of 0 or more`);
  }
  return count;
}

/** Checks that every controller's port, `modbus_port` + N - 1, is a TCP port. */
function checkModbusPorts(options: FleetOptions): void {
  const base = options.modbus_port;
  if (base === undefined) return;
  const name = options.modbus_port_origin ?? 'modbus_port';
  const last = base + countOption(options.controllers, 2, 'controllers') - 1;
  if (!Number.isInteger(base) || base < 1 || last > 65535) {
    throw new RangeError(
      `${name} ${base} is invalid: give a whole number from 1 to 65535 that leaves room for every controller (ctrl-N listens on ${name} + N - 1)`,
    );
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * Starts room nodes `room-1`..`room-N`, controllers `ctrl-1`..`ctrl-N` and trucks `truck-1`..`truck-N`
 * on one shared simulated clock. If any device fails to start, the ones already started are stopped.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const broker_url = options.broker_url;
  if (broker_url === undefined) {
    const mqtt_devices = plannedDevices(options).filter((device) => device.kind !== 'controller');
    if (mqtt_devices.length > 0) throw new BrokerRequiredError(mqtt_devices.map((device) => device.id));
  }
  checkModbusPorts(options);
  const clock = new ScaledClock(options.time_scale ?? 1);
  const seed = options.seed ?? 1;
  // Room nodes and trucks are built only when the check above found a broker URL, so '' is never used.
  const mqtt_options = { ...options, broker_url: broker_url ?? '' };
  const members: Member[] = [
    ...range(countOption(options.rooms, 3, 'rooms')).map((i) => roomMember(i, mqtt_options, clock, seed)),
    ...range(countOption(options.controllers, 2, 'controllers')).map((i) => controllerMember(i, options, clock, seed)),
    ...range(countOption(options.trucks, 2, 'trucks')).map((i) => truckMember(i, mqtt_options, clock, seed)),
  ];
  const ids = members.map((member) => member.device.id);
  for (const device_id of options.faults?.keys() ?? []) {
    if (!ids.includes(device_id)) throw new DeviceNotFoundError(device_id, ids);
  }
  const report = options.on_device_error;
  for (const { device, simulator } of members) {
    if (report !== undefined) simulator.on('device_error', (error: unknown) => report(device.id, error));
  }
  const started: Member[] = [];
  try {
    for (const member of members) {
      await member.simulator.start();
      started.push(member);
    }
  } catch (error) {
    await Promise.allSettled(started.map((member) => member.simulator.stop()));
    throw error;
  }
  for (const { device, simulator } of members) {
    if (simulator instanceof ModbusController)
      Object.assign(device, { host: simulator.host, port: simulator.port, unit_id: simulator.unit_id });
  }
  try {
    for (const { device, simulator } of members) {
      const faults = options.faults?.get(device.id);
      if (faults !== undefined) applyFaults(simulator, faults, clock.nowMs());
    }
  } catch (error) {
    await Promise.allSettled(members.map((member) => member.simulator.stop()));
    throw error;
  }

  const pace = watchPace(members, options);
  const find = (device_id: string): Simulator => {
    const member = members.find((candidate) => candidate.device.id === device_id);
    if (member === undefined)
      throw new DeviceNotFoundError(
        device_id,
        members.map((m) => m.device.id),
      );
    return member.simulator;
  };
  return {
    devices: members.map((member) => member.device),
    injectFault: (device_id, fault) => find(device_id).injectFault(fault),
    clearFault: (device_id) => find(device_id).clearFault(),
    stop: async () => {
      pace?.stop();
      await Promise.all(members.map((member) => member.simulator.stop()));
    },
  };
}

/** Starts measuring the publish rate of the MQTT devices when `on_publish_behind` is set. */
function watchPace(members: readonly Member[], options: FleetOptions): PublishPace | undefined {
  if (options.on_publish_behind === undefined) return undefined;
  const pace = new PublishPace({ interval_ms: options.interval_ms ?? 2000, on_behind: options.on_publish_behind });
  for (const { simulator } of members) {
    if (!(simulator instanceof ModbusController)) pace.watch(simulator);
  }
  pace.start();
  return pace;
}
