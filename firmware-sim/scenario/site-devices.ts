import { ModbusController } from '../modbus-controller.js';
import type { PublishedMessage } from '../mqtt-device.js';
import { MqttRoomNode } from '../mqtt-room-node.js';
import { ColdRoomModel } from '../physics/cold-room-model.js';
import type { ColdRoomParams } from '../physics/cold-room-params.js';
import { deriveSeed } from '../physics/prng.js';
import { RoomMeter } from '../physics/room-meter.js';
import { ReeferTruck } from '../reefer-truck.js';
import { MqttWireFaults } from '../wire-faults.js';
import type { DeviceSpec, MqttDeviceSpec, MqttWireFaults as WireFaultSpec } from './device-schema.js';
import type { ModbusPortChoice } from './modbus-ports.js';
import { RtuUnit } from './rtu-line.js';
import type { Scenario } from './scenario-schema.js';
import type { SimScheduler } from './sim-scheduler.js';
import { compartmentParams, roomParams, truckRoute } from './site-params.js';
import type { RoomSpec } from './site-schema.js';

/** One simulated room, shared by every device that watches it. */
export interface SimRoom {
  spec: RoomSpec;
  params: ColdRoomParams;
  /** Seed of the room's model, so a day can be measured offline with the same door openings. */
  seed: number;
  model: ColdRoomModel;
  meter: RoomMeter;
}

/** One simulated device and what the gateway needs to reach it. */
export interface SimDevice {
  spec: DeviceSpec;
  /** Asset tag: the room or truck the device watches. */
  asset: string;
  simulator: MqttRoomNode | ReeferTruck | ModbusController | RtuUnit;
  /** Every message the device published, in publish order (MQTT devices only). */
  published: PublishedMessage[];
}

/** Options every device of a run shares. */
export interface SiteDeviceOptions {
  broker_url: string;
  scheduler: SimScheduler;
  mqtt_username?: string;
  mqtt_password?: string;
  /** Port of each Modbus TCP device by id (`modbusTcpPorts`). Default: every one picks a free port. */
  modbus_ports?: ReadonlyMap<string, ModbusPortChoice>;
}

function wireFaults(spec: WireFaultSpec, seed: number): MqttWireFaults | undefined {
  const any = spec.late_share + spec.fragment_share + spec.noise_share + spec.malformed_share > 0;
  return any ? new MqttWireFaults(spec, seed) : undefined;
}

/** Builds one model per room, seeded from the scenario seed and the room's index. */
export function buildRooms(scenario: Scenario, start_ms: number): Map<string, SimRoom> {
  const rooms = new Map<string, SimRoom>();
  scenario.site.rooms.forEach((spec, index) => {
    const params = roomParams(spec, scenario.site);
    const seed = deriveSeed(scenario.seed, 300 + index);
    const first_defrost_s = spec.first_defrost_min === undefined ? undefined : spec.first_defrost_min * 60;
    const model = new ColdRoomModel(params, { seed, start_ms, first_defrost_s });
    rooms.set(spec.id, { spec, params, seed, model, meter: new RoomMeter(spec.volume_m3) });
  });
  return rooms;
}

function mqttDevice(
  spec: MqttDeviceSpec,
  index: number,
  scenario: Scenario,
  rooms: Map<string, SimRoom>,
  options: SiteDeviceOptions,
): MqttRoomNode | ReeferTruck {
  const common = {
    device_id: spec.id,
    broker_url: options.broker_url,
    clock: options.scheduler.clock,
    publish_on_timer: false,
    username: options.mqtt_username,
    password: options.mqtt_password,
    seed: deriveSeed(scenario.seed, index),
    wire_faults: wireFaults(spec.wire_faults, deriveSeed(scenario.seed, 500 + index)),
    time_scale: options.scheduler.time_scale,
  };
  const room = rooms.get(spec.watches);
  if (room !== undefined) {
    const dialect = spec.dialect === 'reefer' || spec.dialect === undefined ? 'celsius' : spec.dialect;
    return new MqttRoomNode({
      ...common,
      dialect,
      model: room.model,
      lorawan: { device_id: spec.id, ...spec.lorawan },
      ...(spec.topic ? { topic: spec.topic } : {}),
    });
  }
  const truck = scenario.site.trucks.find((candidate) => candidate.id === spec.watches)!;
  return new ReeferTruck({
    ...common,
    compartments: compartmentParams(truck, scenario.site),
    route: truckRoute(truck),
    start_stop: truck.start_stop,
    cruise_kmh: truck.cruise_kmh,
  });
}

/**
 * Builds the simulators of a scenario's devices, not yet started. MQTT devices publish only when the
 * run ticks them; Modbus controllers advance their room on every request, to the scheduler's time.
 */
export function buildDevices(scenario: Scenario, rooms: Map<string, SimRoom>, options: SiteDeviceOptions): SimDevice[] {
  const interval_ms = (scenario.run.publish_interval_s * 1000) / options.scheduler.time_scale;
  return scenario.devices.map((spec, index) => {
    if (spec.protocol === 'mqtt') {
      return { spec, asset: spec.watches, simulator: mqttDevice(spec, index, scenario, rooms, options), published: [] };
    }
    const room = rooms.get(spec.watches)!;
    if (spec.protocol === 'modbus_rtu') {
      const unit = new RtuUnit(
        spec.id,
        spec.unit_id,
        spec.noise_bytes,
        spec.corrupt_share,
        room.model,
        options.scheduler.clock,
      );
      return { spec, asset: spec.watches, simulator: unit, published: [] };
    }
    const port = options.modbus_ports?.get(spec.id) ?? { port: 0 };
    const controller = new ModbusController({
      device_id: spec.id,
      host: '127.0.0.1',
      port: port.port,
      ...(port.origin === undefined ? {} : { port_origin: port.origin }),
      unit_id: spec.unit_id,
      model: room.model,
      seed: deriveSeed(scenario.seed, 100 + index),
      clock: options.scheduler.clock,
      interval_ms: Math.max(50, interval_ms),
      wire_faults: spec.wire_faults,
    });
    return { spec, asset: spec.watches, simulator: controller, published: [] };
  });
}
