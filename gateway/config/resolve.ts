import type { ConfigProblem } from './config-error.js';
import type {
  DeviceConfig,
  ModbusRtuDeviceConfig,
  ModbusTcpDeviceConfig,
  ProfileConfig,
  SubscriptionConfig,
} from './device-schema.js';
import { closestKey } from './format-issues.js';
import { idFromPayload, type PayloadConfig } from './payload-schema.js';
import type { RegisterFieldConfig } from './register-schema.js';
import type { GatewayConfig } from './schema.js';

/** Identity and tags shared by every resolved device. */
interface Identity {
  id: string;
  site: string;
  asset: string;
  measurement: string;
  tags: Record<string, string>;
}

export interface ResolvedMqttDevice extends Identity {
  protocol: 'mqtt';
  topic: string;
  payload: PayloadConfig;
}

export interface ResolvedModbusDevice
  extends Identity,
    Omit<ModbusTcpDeviceConfig, keyof Identity | 'registers' | 'profile'> {
  protocol: 'modbus_tcp';
  registers: RegisterFieldConfig[];
}

export interface ResolvedRtuDevice
  extends Identity,
    Omit<ModbusRtuDeviceConfig, keyof Identity | 'registers' | 'profile'> {
  protocol: 'modbus_rtu';
  registers: RegisterFieldConfig[];
}

export type ResolvedDevice = ResolvedMqttDevice | ResolvedModbusDevice | ResolvedRtuDevice;

export interface ResolvedSubscription {
  topic: string;
  /** Topic level of the device id; absent when the payload carries the id. */
  device_id_segment?: number;
  site: string;
  measurement: string;
  tags: Record<string, string>;
  payload: PayloadConfig;
}

export interface ResolvedConfig {
  config: GatewayConfig;
  devices: ResolvedDevice[];
  subscriptions: ResolvedSubscription[];
  /**
   * Warnings that need the file as written rather than the config with its defaults, such as a key that
   * has no effect. `validateConfig` sets them.
   */
  file_warnings?: string[];
}

function duplicateNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const name of names) (seen.has(name) ? duplicates : seen).add(name);
  return [...duplicates];
}

/**
 * Finds each item whose key an earlier item already has, as its index and the index of the first item
 * with that key. Items whose key is undefined are skipped.
 */
function repeatedKeys<T>(items: readonly T[], key: (item: T) => string | undefined): Array<[number, number]> {
  const firstIndex = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else repeats.push([index, first]);
  });
  return repeats;
}

/** Names a device by its index and id, because a duplicated id alone does not identify the entry. */
function deviceLabel(devices: GatewayConfig['devices'], index: number): string {
  return `devices[${index}] (id ${JSON.stringify(devices[index]?.id)})`;
}

function fieldNames(payload: PayloadConfig): string[] {
  return [...payload.fields.map((field) => field.name), ...(payload.split?.fields.map((field) => field.name) ?? [])];
}

/** Lists the field names a configured device writes to its measurement: payload fields or register names. */
export function deviceFieldNames(device: ResolvedDevice): string[] {
  if (device.protocol !== 'mqtt') return device.registers.map((register) => register.name);
  return fieldNames(device.payload);
}

class Resolver {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly config: GatewayConfig,
    private readonly profiles: Record<string, ProfileConfig>,
  ) {}

  profile(name: string | undefined, protocol: 'mqtt' | 'modbus', path: string): ProfileConfig | undefined {
    if (name === undefined) return undefined;
    const profile = this.profiles[name];
    if (!profile) {
      const names = Object.keys(this.profiles).sort();
      const hint = closestKey(name, names);
      const guess = hint === undefined ? '' : `did you mean "${hint}"? `;
      this.problems.push({
        path,
        value: JSON.stringify(name),
        message: `unknown profile; ${guess}known profiles: ${names.join(', ')}`,
      });
      return undefined;
    }
    if (profile.protocol !== protocol) {
      this.problems.push({
        path,
        value: JSON.stringify(name),
        message: `is a ${profile.protocol} profile, not ${protocol}`,
      });
      return undefined;
    }
    return profile;
  }

  identity(device: DeviceConfig, profile: ProfileConfig | undefined): Identity {
    return {
      id: device.id,
      site: device.site ?? this.config.site,
      asset: device.asset ?? device.id,
      measurement: device.measurement ?? profile?.measurement ?? 'cold_room',
      tags: device.tags ?? {},
    };
  }

  device(device: DeviceConfig, index: number): ResolvedDevice | undefined {
    const at = `devices[${index}]`;
    if (device.protocol === 'mqtt') {
      const profile = this.profile(device.profile, 'mqtt', `${at}.profile`);
      const payload = device.payload ?? profile?.payload;
      if (!payload) {
        if (!device.profile)
          this.problems.push({ path: at, message: 'has no payload mapping; set profile or payload' });
        return undefined;
      }
      this.checkNames(fieldNames(payload), `${at}.payload`);
      return { ...this.identity(device, profile), protocol: 'mqtt', topic: device.topic, payload };
    }
    if (device.protocol === 'modbus_rtu' && !this.config.buses.some((bus) => bus.id === device.bus)) {
      const known = this.config.buses.map((bus) => bus.id).join(', ') || 'none configured';
      this.problems.push({
        path: `${at}.bus`,
        value: JSON.stringify(device.bus),
        message: `unknown bus; buses: ${known}`,
      });
    }
    const profile = this.profile(device.profile, 'modbus', `${at}.profile`);
    const registers = device.registers ?? profile?.registers;
    if (!registers) {
      if (!device.profile) this.problems.push({ path: at, message: 'has no register map; set profile or registers' });
      return undefined;
    }
    this.checkNames(
      registers.map((field) => field.name),
      `${at}.registers`,
    );
    const { registers: _registers, profile: _profile, ...connection } = device;
    return { ...connection, ...this.identity(device, profile), registers };
  }

  subscription(subscription: SubscriptionConfig, index: number): ResolvedSubscription | undefined {
    const at = `mqtt.subscriptions[${index}]`;
    const profile = this.profile(subscription.profile, 'mqtt', `${at}.profile`);
    if (!profile?.payload) return undefined;
    const levels = subscription.topic.split('/');
    const segment = subscription.device_id_segment;
    if (segment === undefined) {
      if (!idFromPayload(profile.payload)) {
        this.problems.push({
          path: `${at}.device_id_segment`,
          message:
            'is missing; give the topic level that holds the device id, or use a profile that reads it from the payload',
        });
      }
    } else if (levels[segment] !== '+') {
      this.problems.push({
        path: `${at}.device_id_segment`,
        value: String(subscription.device_id_segment),
        message: `topic level ${subscription.device_id_segment} of "${subscription.topic}" must be a + wildcard`,
      });
    }
    return {
      topic: subscription.topic,
      ...(segment !== undefined ? { device_id_segment: segment } : {}),
      site: subscription.site ?? this.config.site,
      measurement: subscription.measurement ?? profile.measurement,
      tags: subscription.tags ?? {},
      payload: profile.payload,
    };
  }

  checkNames(names: readonly string[], path: string): void {
    for (const name of duplicateNames(names)) {
      this.problems.push({ path, value: JSON.stringify(name), message: 'field name used twice in one device' });
    }
  }
}

/** Resolves profiles into complete device definitions and checks rules that span several keys. */
export function resolveConfig(
  config: GatewayConfig,
  builtInProfiles: Record<string, ProfileConfig>,
): { resolved: ResolvedConfig; problems: ConfigProblem[] } {
  const resolver = new Resolver(config, { ...builtInProfiles, ...config.profiles });
  const { devices: entries, buses } = config;
  for (const [index, first] of repeatedKeys(entries, (device) => device.id)) {
    resolver.problems.push({
      path: `devices[${index}].id`,
      value: JSON.stringify(entries[index]?.id),
      message: `device id used twice, first by devices[${first}]; give each device its own id`,
    });
  }
  for (const [index, first] of repeatedKeys(buses, (bus) => bus.id)) {
    resolver.problems.push({
      path: `buses[${index}].id`,
      value: JSON.stringify(buses[index]?.id),
      message: `bus id used twice, first by buses[${first}]; give each bus its own id`,
    });
  }
  const busUnit = (device: (typeof entries)[number]) =>
    device.protocol === 'modbus_rtu' ? JSON.stringify([device.bus, device.unit_id]) : undefined;
  for (const [index, first] of repeatedKeys(entries, busUnit)) {
    const device = entries[index];
    if (device?.protocol !== 'modbus_rtu') continue;
    resolver.problems.push({
      path: `devices[${index}].unit_id`,
      value: String(device.unit_id),
      message:
        `same bus and unit id as ${deviceLabel(entries, first)}; ` +
        `give each device on bus ${device.bus} its own unit_id`,
    });
  }
  const topic = (device: (typeof entries)[number]) => (device.protocol === 'mqtt' ? device.topic : undefined);
  for (const [index, first] of repeatedKeys(entries, topic)) {
    resolver.problems.push({
      path: `devices[${index}].topic`,
      value: JSON.stringify(topic(entries[index] as (typeof entries)[number])),
      message: `same topic as ${deviceLabel(entries, first)}; give each device its own topic`,
    });
  }
  const devices = config.devices.flatMap((device, index) => resolver.device(device, index) ?? []);
  const subscriptions = config.mqtt.subscriptions.flatMap((entry, index) => resolver.subscription(entry, index) ?? []);
  return { resolved: { config, devices, subscriptions }, problems: resolver.problems };
}
