/**
 * Parsing of the simulator CLIs' repeatable `--fault TARGET:KEY=VALUE` option, where TARGET is a device
 * id of the fleet (`firmware-sim/main.ts`) or a unit id of the RTU simulator (`firmware-sim/rtu/main.ts`).
 * Every error names the rejected text and the accepted values.
 */
import { FAULTS, type Fault } from './faults.js';
import type { ModbusWireFaultRates } from './modbus-wire-faults.js';
import type { UnitFaults } from './rtu/rtu-faults.js';
import type { MqttWireFaultRates } from './wire-faults.js';

/** One `--fault` option, split but not yet checked against a device. */
export interface FaultOption {
  target: string;
  key: string;
  value: string;
}

/** Kind of fleet device, as `SimulatedDevice.kind` names it. */
export type FleetDeviceKind = 'room_node' | 'controller' | 'truck';

/** Faults and events one fleet device shows from the start of the run until the simulator stops. */
export interface DeviceFaults {
  /** Fault passed to `injectFault`. */
  fault?: Fault;
  /** Probe drift rate, K per simulated hour. */
  drift_k_per_h?: number;
  /** Door opening at the start, simulated s. */
  door_open_s?: number;
  compressor_failed?: boolean;
  defrost_stuck?: boolean;
  /** Power cut of the room: the model stops, and a controller stops listening as with `disconnect`. */
  power_cut?: boolean;
  /** Wire faults of a Modbus TCP controller. */
  modbus_wire?: ModbusWireFaultRates;
  /** Wire faults of an MQTT room node or truck. */
  mqtt_wire?: MqttWireFaultRates;
}

/** Raised for a `--fault` option that is malformed or names an unknown target, key or value. */
export class FaultOptionError extends Error {
  readonly code = 'SIM_FAULT_OPTION_INVALID';

  constructor(option: string, problem: string) {
    super(`--fault ${option} is invalid: ${problem}`);
    this.name = 'FaultOptionError';
  }
}

/** Defaults of the wire fault fields a `--fault` option leaves out, the same as in scenario files. */
const MODBUS_WIRE_DEFAULTS: ModbusWireFaultRates = { late_share: 0, late_ms: 1500, exception_share: 0, drop_share: 0 };
const MQTT_WIRE_DEFAULTS: MqttWireFaultRates = {
  late_share: 0,
  late_s: 120,
  fragment_share: 0,
  noise_share: 0,
  malformed_share: 0,
};

/** Splits `TARGET:KEY=VALUE`. Raises `FaultOptionError` when a part is missing. */
export function parseFaultOption(text: string): FaultOption {
  const match = /^([^:=]+):([^:=]+)=(.+)$/.exec(text.trim());
  if (match === null) {
    throw new FaultOptionError(text, 'expected TARGET:KEY=VALUE, such as ctrl-1:drop_share=0.2 or 3:echo=true');
  }
  return { target: match[1]!.trim(), key: match[2]!.trim(), value: match[3]!.trim() };
}

/** Commander argument parser that collects repeated `--fault` options. */
export function collectFaultOption(text: string, previous: FaultOption[] = []): FaultOption[] {
  return [...previous, parseFaultOption(text)];
}

function optionText(option: FaultOption): string {
  return `${option.target}:${option.key}=${option.value}`;
}

function parseNumber(option: FaultOption, min: number, max: number, integer = false): number {
  const value = Number(option.value);
  const valid = option.value !== '' && Number.isFinite(value) && value >= min && value <= max;
  if (!valid || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new FaultOptionError(optionText(option), `${option.key} takes ${kind} from ${min} to ${max}`);
  }
  return value;
}

function parseShare(option: FaultOption): number {
  return parseNumber(option, 0, 1);
}

function parseBoolean(option: FaultOption): boolean {
  if (option.value === 'true') return true;
  if (option.value === 'false') return false;
  throw new FaultOptionError(optionText(option), `${option.key} takes true or false`);
}

function parseFaultName(option: FaultOption): Fault {
  const fault = FAULTS.find((known) => known === option.value);
  if (fault === undefined) {
    throw new FaultOptionError(optionText(option), `fault takes one of ${FAULTS.join(', ')}`);
  }
  return fault;
}

type FleetKeyParser = (option: FaultOption, faults: DeviceFaults) => void;

/** Modbus wire fault fields and their ranges, as in a scenario's `wire_faults`. */
const MODBUS_WIRE_KEYS: Record<keyof ModbusWireFaultRates, (option: FaultOption) => number> = {
  late_share: parseShare,
  late_ms: (option) => parseNumber(option, 0, 60_000, true),
  exception_share: parseShare,
  drop_share: parseShare,
};

/** MQTT wire fault fields and their ranges, as in a scenario's `wire_faults`. */
const MQTT_WIRE_KEYS: Record<keyof MqttWireFaultRates, (option: FaultOption) => number> = {
  late_share: parseShare,
  late_s: (option) => parseNumber(option, 0, 86_400),
  fragment_share: parseShare,
  noise_share: parseShare,
  malformed_share: parseShare,
};

/** Keys every fleet device takes, whatever its protocol. */
const COMMON_KEYS: Record<string, FleetKeyParser> = {
  fault: (option, faults) => {
    faults.fault = parseFaultName(option);
  },
  drift_k_per_h: (option, faults) => {
    faults.drift_k_per_h = parseNumber(option, -100, 100);
  },
  door_open_s: (option, faults) => {
    faults.door_open_s = parseNumber(option, 0, 86_400);
  },
  compressor_failed: (option, faults) => {
    faults.compressor_failed = parseBoolean(option);
  },
  defrost_stuck: (option, faults) => {
    faults.defrost_stuck = parseBoolean(option);
  },
  power_cut: (option, faults) => {
    faults.power_cut = parseBoolean(option);
  },
};

function modbusWireKey(field: keyof ModbusWireFaultRates): FleetKeyParser {
  return (option, faults) => {
    faults.modbus_wire = { ...(faults.modbus_wire ?? MODBUS_WIRE_DEFAULTS), [field]: MODBUS_WIRE_KEYS[field](option) };
  };
}

function mqttWireKey(field: keyof MqttWireFaultRates): FleetKeyParser {
  return (option, faults) => {
    faults.mqtt_wire = { ...(faults.mqtt_wire ?? MQTT_WIRE_DEFAULTS), [field]: MQTT_WIRE_KEYS[field](option) };
  };
}

const MODBUS_WIRE_FIELDS = Object.keys(MODBUS_WIRE_KEYS) as (keyof ModbusWireFaultRates)[];
const MQTT_WIRE_FIELDS = Object.keys(MQTT_WIRE_KEYS) as (keyof MqttWireFaultRates)[];
const CONTROLLER_KEYS = {
  ...COMMON_KEYS,
  ...Object.fromEntries(MODBUS_WIRE_FIELDS.map((field) => [field, modbusWireKey(field)])),
};
const MQTT_DEVICE_KEYS = {
  ...COMMON_KEYS,
  ...Object.fromEntries(MQTT_WIRE_FIELDS.map((field) => [field, mqttWireKey(field)])),
};

/** Keys each kind of fleet device takes. */
const FLEET_KEYS: Record<FleetDeviceKind, Record<string, FleetKeyParser>> = {
  controller: CONTROLLER_KEYS,
  room_node: MQTT_DEVICE_KEYS,
  truck: MQTT_DEVICE_KEYS,
};

/**
 * Checks `options` against the fleet's devices and returns the faults of each device by id. A later
 * option for the same device and key replaces an earlier one. Raises `FaultOptionError`.
 */
export function fleetFaults(
  options: readonly FaultOption[],
  devices: readonly { id: string; kind: FleetDeviceKind }[],
): Map<string, DeviceFaults> {
  const result = new Map<string, DeviceFaults>();
  for (const option of options) {
    const device = devices.find((candidate) => candidate.id === option.target);
    if (device === undefined) {
      const known = devices.map((candidate) => candidate.id).join(', ') || 'none (the fleet is empty)';
      throw new FaultOptionError(
        optionText(option),
        `device "${option.target}" is not in the fleet: use one of ${known}`,
      );
    }
    const keys = FLEET_KEYS[device.kind];
    const parse = Object.hasOwn(keys, option.key) ? keys[option.key] : undefined;
    if (parse === undefined) {
      const accepted = Object.keys(keys).join(', ');
      throw new FaultOptionError(
        optionText(option),
        `a ${device.kind} has no fault "${option.key}": use one of ${accepted}`,
      );
    }
    const faults = result.get(device.id) ?? {};
    parse(option, faults);
    result.set(device.id, faults);
  }
  for (const device of devices) {
    const faults = result.get(device.id);
    if (device.kind === 'controller' && faults?.fault === 'malformed') {
      throw new FaultOptionError(
        `${device.id}:fault=malformed`,
        `a controller has no JSON to break: use one of ${FAULTS.filter((fault) => fault !== 'malformed').join(', ')}`,
      );
    }
    if (device.kind === 'controller' && faults?.power_cut && faults.fault !== undefined) {
      throw new FaultOptionError(
        `${device.id}:power_cut=true`,
        `controller ${device.id} shows a power cut as the disconnect fault, so it cannot also show fault=${faults.fault}`,
      );
    }
  }
  return result;
}

/** Keys of the RTU simulator's units, the fields of `UnitFaults`. */
const UNIT_KEYS: Record<keyof UnitFaults, (option: FaultOption, faults: UnitFaults) => void> = {
  silent: (option, faults) => {
    faults.silent = parseBoolean(option);
  },
  echo: (option, faults) => {
    faults.echo = parseBoolean(option);
  },
  fragment: (option, faults) => {
    faults.fragment = parseBoolean(option);
  },
  noise_bytes: (option, faults) => {
    faults.noise_bytes = parseNumber(option, 0, 256, true);
  },
  corrupt_share: (option, faults) => {
    faults.corrupt_share = parseShare(option);
  },
  exception: (option, faults) => {
    faults.exception = parseNumber(option, 1, 255, true);
  },
  delay_ms: (option, faults) => {
    faults.delay_ms = parseNumber(option, 0, 60_000, true);
  },
};

/**
 * Checks `options` against the RTU simulator's unit ids and returns the faults of each unit. A later
 * option for the same unit and key replaces an earlier one. Raises `FaultOptionError`.
 */
export function unitFaults(options: readonly FaultOption[], units: readonly number[]): Map<number, UnitFaults> {
  const result = new Map<number, UnitFaults>();
  for (const option of options) {
    const unit = Number(option.target);
    if (!units.includes(unit) || !/^\d+$/.test(option.target)) {
      throw new FaultOptionError(
        optionText(option),
        `unit ${option.target} is not simulated: use one of ${units.join(', ')}`,
      );
    }
    const parse = Object.hasOwn(UNIT_KEYS, option.key) ? UNIT_KEYS[option.key as keyof UnitFaults] : undefined;
    if (parse === undefined) {
      const accepted = Object.keys(UNIT_KEYS).join(', ');
      throw new FaultOptionError(optionText(option), `a unit has no fault "${option.key}": use one of ${accepted}`);
    }
    const faults = result.get(unit) ?? {};
    parse(option, faults);
    result.set(unit, faults);
  }
  return result;
}
