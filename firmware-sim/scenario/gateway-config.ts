/**
 * The gateway configuration a scenario needs, as plain data in the layout of coldpool's config file, so
 * it can be printed for an external gateway or validated and run in-process. Nothing here imports the
 * gateway: the kit must work against any gateway that speaks the same MQTT and Modbus.
 */
import type { DeviceSpec } from './device-schema.js';
import type { Scenario } from './scenario-schema.js';

/** Address of one started device: its MQTT topic or its Modbus TCP port. */
export interface DeviceAddress {
  spec: DeviceSpec;
  asset: string;
  /** Topic of an MQTT device. */
  topic?: string;
  /** Port of a Modbus TCP device on 127.0.0.1. */
  port?: number;
}

/** Id of the RS-485 bus the kit's Modbus RTU devices share. */
export const RTU_BUS_ID = 'sim-rs485';

export interface GatewayConfigOptions {
  broker_url: string;
  /** Local SQLite store of the gateway. */
  store_path: string;
  /** SQLite file of the gateway's alarm state and records. */
  alarms_store_path: string;
  /** Seconds a device stamp may run ahead of the gateway's clock; an accelerated run needs days of it. */
  max_clock_skew_s: number;
  /** Serial port of the kit's RS-485 line, when the scenario has Modbus RTU devices. */
  serial_path?: string;
  /** Port of the gateway's HTTP API on 127.0.0.1. Default: the API stays off. */
  api_port?: number;
}

/** Fields of a LoRaWAN room node's decoded object, under `prefix`. */
function lorawanFields(prefix: string, radio: string): Record<string, unknown>[] {
  return [
    {
      name: 'air_temp_c',
      path: `${prefix}.temperature_c`,
      unit: 'C',
      valid_min: -50,
      valid_max: 60,
      sentinels: [-127],
    },
    { name: 'humidity_pct', path: `${prefix}.humidity_pct`, unit: 'percent', valid_min: 0, valid_max: 100 },
    { name: 'door_open', path: `${prefix}.door_open`, type: 'boolean' },
    { name: 'battery_pct', path: `${prefix}.battery_pct`, unit: 'percent', valid_min: 0, valid_max: 100 },
    { name: 'rssi_dbm', path: `${radio}.rssi`, valid_min: -150, valid_max: 0 },
    { name: 'snr_db', path: `${radio}.snr`, unit: 'dB', valid_min: -30, valid_max: 30 },
  ];
}

/** Payload mappings of the two LoRaWAN network servers' uplink JSON. */
const LORAWAN_PAYLOADS = {
  chirpstack_v4: {
    format: 'json',
    time_path: 'time',
    sequence_path: 'fCnt',
    fields: lorawanFields('object', 'rxInfo[0]'),
  },
  tts_v3: {
    format: 'json',
    time_path: 'received_at',
    sequence_path: 'uplink_message.f_cnt',
    fields: lorawanFields('uplink_message.decoded_payload', 'uplink_message.rx_metadata[0]'),
  },
} as const;

const ROOM_PROFILES = { celsius: 'coldpool-room-celsius', fahrenheit: 'coldpool-room-fahrenheit' } as const;

function deviceEntry(address: DeviceAddress, scenario: Scenario): Record<string, unknown> {
  const { spec, asset } = address;
  const poll_interval_s = scenario.run.publish_interval_s / scenario.run.time_scale;
  if (spec.protocol === 'modbus_rtu') {
    return {
      id: spec.id,
      asset,
      protocol: 'modbus_rtu',
      bus: RTU_BUS_ID,
      unit_id: spec.unit_id,
      poll_interval_s,
      timeout_ms: 500,
      retries: 0,
      backoff_max_s: 2,
      profile: 'generic-tenths-c',
    };
  }
  if (spec.protocol === 'modbus_tcp') {
    return {
      id: spec.id,
      asset,
      protocol: 'modbus_tcp',
      host: '127.0.0.1',
      port: address.port,
      unit_id: spec.unit_id,
      poll_interval_s,
      timeout_ms: 1000,
      retries: 0,
      backoff_max_s: 2,
      profile: 'generic-tenths-c',
    };
  }
  const common = { id: spec.id, asset, protocol: 'mqtt', topic: address.topic };
  const dialect = spec.protocol === 'mqtt' ? spec.dialect : undefined;
  if (dialect === 'chirpstack_v4' || dialect === 'tts_v3') {
    return { ...common, measurement: 'cold_room', payload: LORAWAN_PAYLOADS[dialect] };
  }
  if (dialect === 'reefer' || (dialect === undefined && scenario.site.trucks.some((t) => t.id === asset))) {
    return { ...common, profile: 'coldpool-reefer' };
  }
  return { ...common, profile: ROOM_PROFILES[dialect ?? 'celsius'] };
}

/** Temperature class of a space by its setpoint: frozen at −10 °C and below, chilled above. */
function temperatureClass(setpoint_c: number): 'frozen' | 'chilled' {
  return setpoint_c <= -10 ? 'frozen' : 'chilled';
}

/**
 * Monitored assets: one per room (`cold_room`) and one per truck compartment (`truck_compartment`, id
 * `<truck>/<compartment>`), classed by setpoint, so the gateway's alarm rules watch every simulated space.
 * A room watched by an MQTT device is matched on that device only: Modbus readings carry the gateway's
 * wall-clock time, which does not run with the simulated time of the MQTT stamps.
 */
function alarmAssets(scenario: Scenario): Record<string, unknown>[] {
  const rooms = scenario.site.rooms.map((room) => {
    const probe = scenario.devices.find((device) => device.protocol === 'mqtt' && device.watches === room.id);
    return {
      id: room.id,
      kind: 'cold_room',
      class: temperatureClass(room.setpoint_c ?? (room.kind === 'frozen' ? -18 : 2)),
      ...(probe ? { match: { asset: room.id, device: probe.id } } : {}),
    };
  });
  const compartments = scenario.site.trucks.flatMap((truck) =>
    truck.compartments.map((compartment) => ({
      id: `${truck.id}/${compartment.id}`,
      kind: 'truck_compartment',
      class: temperatureClass(compartment.setpoint_c ?? (compartment.kind === 'frozen' ? -18 : 3)),
      match: { asset: truck.id, compartment: compartment.id },
    })),
  );
  return [...rooms, ...compartments];
}

/** Builds the gateway configuration for a scenario's started devices. */
export function scenarioGatewayConfig(
  scenario: Scenario,
  devices: readonly DeviceAddress[],
  options: GatewayConfigOptions,
): Record<string, unknown> {
  return {
    version: 1,
    site: scenario.site.id,
    max_clock_skew_s: options.max_clock_skew_s,
    mqtt: {
      url: options.broker_url,
      broker: { enabled: false },
      client_id: 'coldpool-hil-gateway',
      republish: { enabled: true, qos: 1 },
    },
    ...(options.serial_path
      ? { buses: [{ id: RTU_BUS_ID, path: options.serial_path, baud_rate: 9600, parity: 'none' }] }
      : {}),
    devices: devices.map((device) => deviceEntry(device, scenario)),
    ...(options.api_port === undefined ? {} : { http: { enabled: true, host: '127.0.0.1', port: options.api_port } }),
    alarms: { store_path: options.alarms_store_path, assets: alarmAssets(scenario) },
    outputs: { local_store: { enabled: true, path: options.store_path } },
  };
}
