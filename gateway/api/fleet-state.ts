/**
 * Live state of every configured device, and of every device a wildcard subscription routed, kept from
 * the event bus: the newest reading of each series, whether the device is up, and its fault and problem
 * counts. The API and the live feed read it; it stores nothing on disk, so it starts empty after a restart.
 */
import type { ResolvedDevice } from '../config/resolve.js';
import type {
  DeviceState,
  EventBus,
  FieldProblem,
  GatewayEvents,
  InputProblem,
  TimestampCollisionEvent,
} from '../events.js';
import { type DiscoveredRoute, WILDCARD_IDENTITIES } from '../inputs/mqtt-input.js';
import type { FieldValue, Reading, SensorFault } from '../reading.js';
import { tagKey } from './history/history-source.js';

/** The newest reading of one series of a device (one compartment of a reefer, or the whole room). */
export interface LatestReading {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /**
   * Time of each field's value. A field left out of a newer reading (a probe fault, a failed register)
   * keeps its older value, with the older time here.
   */
  field_times_ms: Record<string, number>;
  /** Time of the newest reading of the series. */
  time_ms: number;
}

/**
 * `up`: reporting. `down`: the input marked it down. `stale`: silent for `stale_after_ms`. `unknown`: never
 * seen. `payload_errors`: a payload was rejected after the last accepted reading, and no reading was
 * accepted within `stale_after_ms` or ever, so the device sends data that the gateway cannot read.
 */
export type HealthState = 'up' | 'down' | 'stale' | 'unknown' | 'payload_errors';

export interface DeviceHealth {
  state: HealthState;
  last_seen_ms: number | null;
  readings: number;
  sensor_faults: number;
  /** Fields the device sent that could not be read (wrong type, missing path), each left out of its reading. */
  field_errors: number;
  /** Code and message of the newest field error, such as `FIELD_NOT_NUMBER: air_temp_c: expected …`. */
  last_field_error: string | null;
  /**
   * Readings that overwrote an earlier reading of their series with the same device timestamp, so the
   * earlier values are lost in InfluxDB and the local store.
   */
  timestamp_collisions: number;
  /** Gateway time of the newest timestamp collision, in milliseconds since the epoch. */
  last_timestamp_collision_ms: number | null;
  input_problems: number;
  consecutive_failures: number;
  last_error: string | null;
  /**
   * Code and message of the newest payload of the device that was rejected whole (`PAYLOAD_JSON_INVALID`)
   * or had a field that could not be read (`FIELD_MISSING`).
   */
  last_payload_error: string | null;
  /** Gateway time of `last_payload_error`, in milliseconds since the epoch. */
  last_payload_error_ms: number | null;
}

export interface DeviceView {
  id: string;
  site: string;
  asset: string;
  measurement: string;
  protocol: ResolvedDevice['protocol'];
  /** True for a device no config entry names, seen through a wildcard subscription. */
  discovered: boolean;
  /** Filter of the wildcard subscription that routed a discovered device. */
  subscription?: string;
  health: DeviceHealth;
  latest: LatestReading[];
}

/** One page of the device list: configured devices in config order, then discovered ones by id. */
export interface DevicePage {
  /** Devices in the whole list. */
  total: number;
  devices: DeviceView[];
}

type DeviceSummary = Pick<ResolvedDevice, 'id' | 'site' | 'asset' | 'measurement' | 'protocol'>;

interface DeviceRecord {
  device: DeviceSummary;
  /** Subscription filter of a discovered device. */
  subscription?: string;
  series: Map<string, LatestReading>;
  last_seen_ms: number | null;
  readings: number;
  sensor_faults: number;
  field_errors: number;
  last_field_error: string | null;
  timestamp_collisions: number;
  last_timestamp_collision_ms: number | null;
  input_problems: number;
  up: boolean | undefined;
  consecutive_failures: number;
  last_error: string | null;
  last_payload_error: string | null;
  last_payload_error_ms: number | null;
  /** True when a payload was rejected after the newest accepted reading, or before the first one. */
  rejected_since_reading: boolean;
}

export interface FleetStateOptions {
  /** Time without a reading after which a device counts as stale, in milliseconds. Default 60000. */
  stale_after_ms?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /**
   * Returns the wildcard subscription that routed an unconfigured device, so that its first event (a
   * reading, field error, sensor fault, input problem or state change) adds it as discovered. Default:
   * events of unconfigured devices are ignored.
   */
  discovered_route?: (device_id: string) => DiscoveredRoute | undefined;
  /**
   * Discovered devices kept at most. The least recently seen one makes room for a new one. Default
   * `WILDCARD_IDENTITIES`, the bound of the MQTT input's wildcard identities.
   */
  max_discovered?: number;
}

function newRecord(device: DeviceSummary, subscription?: string): DeviceRecord {
  return {
    device,
    ...(subscription === undefined ? {} : { subscription }),
    series: new Map(),
    last_seen_ms: null,
    readings: 0,
    sensor_faults: 0,
    field_errors: 0,
    last_field_error: null,
    timestamp_collisions: 0,
    last_timestamp_collision_ms: null,
    input_problems: 0,
    up: undefined,
    consecutive_failures: 0,
    last_error: null,
    last_payload_error: null,
    last_payload_error_ms: null,
    rejected_since_reading: false,
  };
}

function seriesId(reading: Reading): string {
  return `${reading.measurement}|${tagKey(reading.tags)}`;
}

export class FleetState {
  private readonly records = new Map<string, DeviceRecord>();
  /** Discovered devices, least recently seen first. Each event of a device moves it to the end. */
  private readonly discovered = new Map<string, DeviceRecord>();
  private readonly staleAfterMs: number;
  private readonly now: () => number;
  private readonly discoveredRoute: ((device_id: string) => DiscoveredRoute | undefined) | undefined;
  private readonly maxDiscovered: number;
  private readonly detachers: Array<() => void> = [];

  constructor(devices: readonly ResolvedDevice[], bus: EventBus, options: FleetStateOptions = {}) {
    this.staleAfterMs = options.stale_after_ms ?? 60_000;
    this.now = options.now ?? Date.now;
    this.discoveredRoute = options.discovered_route;
    this.maxDiscovered = options.max_discovered ?? WILDCARD_IDENTITIES;
    for (const device of devices) this.records.set(device.id, newRecord(device));
    this.listen(bus, 'reading', (reading: Reading) => this.onReading(reading));
    this.listen(bus, 'sensor_fault', (fault: SensorFault) => this.onFault(fault));
    this.listen(bus, 'field_error', (problem: FieldProblem) => this.onFieldError(problem));
    this.listen(bus, 'timestamp_collision', (collision: TimestampCollisionEvent) =>
      this.onTimestampCollision(collision),
    );
    this.listen(bus, 'input_problem', (problem: InputProblem) => this.onProblem(problem));
    this.listen(bus, 'device_state', (state: DeviceState) => this.onDeviceState(state));
  }

  /** Removes the bus listeners. */
  detach(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }

  /** Ids of the configured devices. */
  deviceIds(): string[] {
    return [...this.records.keys()];
  }

  /** Returns the configured or discovered device `id`. */
  device(id: string): DeviceView | undefined {
    const record = this.record(id);
    return record ? this.view(record) : undefined;
  }

  /** Returns the configured devices, in config order. */
  devices(): DeviceView[] {
    return [...this.records.values()].map((record) => this.view(record));
  }

  /**
   * Returns `limit` devices from `offset` of the list of configured devices (config order) followed by
   * discovered ones (by id).
   */
  page(offset: number, limit: number): DevicePage {
    const configured = [...this.records.values()];
    const total = configured.length + this.discovered.size;
    const end = Math.min(total, offset + limit);
    const selected = configured.slice(offset, end);
    if (end > configured.length) {
      const ids = [...this.discovered.keys()].sort();
      const from = Math.max(0, offset - configured.length);
      for (const id of ids.slice(from, end - configured.length)) selected.push(this.discovered.get(id)!);
    }
    return { total, devices: selected.map((record) => this.view(record)) };
  }

  /** Returns `limit` discovered devices (by id) from `offset`, without the configured ones. */
  discoveredPage(offset: number, limit: number): DevicePage {
    const ids = [...this.discovered.keys()].sort().slice(offset, offset + limit);
    return { total: this.discovered.size, devices: ids.map((id) => this.view(this.discovered.get(id)!)) };
  }

  /** Returns the `field_errors` count of the configured or discovered device `id`. */
  fieldErrors(id: string): number | undefined {
    return this.record(id)?.field_errors;
  }

  /** Counts the configured and discovered devices, and those of them that are up. */
  counts(): { up: number; total: number } {
    let up = 0;
    for (const record of this.records.values()) if (this.health(record).state === 'up') up += 1;
    for (const record of this.discovered.values()) if (this.health(record).state === 'up') up += 1;
    return { up, total: this.records.size + this.discovered.size };
  }

  private record(device_id: string): DeviceRecord | undefined {
    return this.records.get(device_id) ?? this.discovered.get(device_id);
  }

  /**
   * Returns the record of the configured device `device_id`, or of the discovered one, which is added
   * when a wildcard subscription routed it.
   */
  private routedRecord(device_id: string): DeviceRecord | undefined {
    return this.records.get(device_id) ?? this.discoveredRecord(device_id);
  }

  private discoveredRecord(device_id: string): DeviceRecord | undefined {
    const known = this.discovered.get(device_id);
    if (known !== undefined) {
      // Moved to the end, so that the first entry is always the least recently seen.
      this.discovered.delete(device_id);
      this.discovered.set(device_id, known);
      return known;
    }
    const route = this.discoveredRoute?.(device_id);
    if (route === undefined || this.maxDiscovered <= 0) return undefined;
    if (this.discovered.size >= this.maxDiscovered) {
      const oldest = this.discovered.keys().next().value;
      if (oldest !== undefined) this.discovered.delete(oldest);
    }
    const device: DeviceSummary = {
      id: device_id,
      site: route.site,
      asset: device_id,
      measurement: route.measurement,
      protocol: 'mqtt',
    };
    const record = newRecord(device, route.subscription);
    this.discovered.set(device_id, record);
    return record;
  }

  private listen<E extends keyof GatewayEvents>(
    bus: EventBus,
    event: E,
    listener: (...args: GatewayEvents[E]) => void,
  ): void {
    const typed = listener as Parameters<EventBus['on']>[1];
    bus.on(event, typed);
    this.detachers.push(() => bus.off(event, typed));
  }

  private onReading(reading: Reading): void {
    // An `alarm` reading is the gateway's own record about a device (its offline alarm, for one), not
    // data the device sent, so it neither marks the device up nor becomes its latest reading.
    if (reading.measurement === 'alarm') return;
    const device_id = reading.tags.device ?? '';
    const record = this.routedRecord(device_id);
    if (!record) return;
    const key = seriesId(reading);
    const previous = record.series.get(key);
    if (previous === undefined) {
      const field_times_ms: Record<string, number> = {};
      for (const field in reading.fields) field_times_ms[field] = reading.time_ms;
      record.series.set(key, {
        measurement: reading.measurement,
        tags: reading.tags,
        fields: { ...reading.fields },
        field_times_ms,
        time_ms: reading.time_ms,
      });
    } else if (previous.time_ms <= reading.time_ms) {
      // Updated in place, because a new record per reading lives until the device's next reading. That is
      // long enough to reach the old generation, which would then fill with garbage at the reading rate.
      for (const field in reading.fields) {
        previous.fields[field] = reading.fields[field] as FieldValue;
        previous.field_times_ms[field] = reading.time_ms;
      }
      previous.time_ms = reading.time_ms;
    }
    record.readings += 1;
    record.last_seen_ms = this.now();
    record.rejected_since_reading = false;
  }

  private onFault(fault: SensorFault): void {
    const record = this.routedRecord(fault.device_id);
    if (record) record.sensor_faults += 1;
  }

  private onFieldError(problem: FieldProblem): void {
    const record = this.routedRecord(problem.device_id);
    if (!record) return;
    record.field_errors += 1;
    record.last_field_error = `${problem.code}: ${problem.message}`;
    // The pipeline emits the field errors of a sample before its reading, so a payload with some readable
    // fields clears this again when its reading arrives.
    this.notePayloadError(record, record.last_field_error);
  }

  private onTimestampCollision(collision: TimestampCollisionEvent): void {
    const record = this.routedRecord(collision.device_id);
    if (!record) return;
    record.timestamp_collisions += 1;
    record.last_timestamp_collision_ms = this.now();
  }

  private onProblem(problem: InputProblem): void {
    const record = problem.device_id === undefined ? undefined : this.routedRecord(problem.device_id);
    if (!record) return;
    record.input_problems += 1;
    record.last_error = `${problem.code}: ${problem.message}`;
    if (problem.payload_rejected === true) this.notePayloadError(record, record.last_error);
  }

  private notePayloadError(record: DeviceRecord, error: string): void {
    record.last_payload_error = error;
    record.last_payload_error_ms = this.now();
    record.rejected_since_reading = true;
  }

  private onDeviceState(state: DeviceState): void {
    const record = this.routedRecord(state.device_id);
    if (!record) return;
    record.up = state.up;
    record.consecutive_failures = state.consecutive_failures;
    if (state.last_error !== undefined) record.last_error = state.last_error;
  }

  private health(record: DeviceRecord): DeviceHealth {
    const silent = record.last_seen_ms === null || this.now() - record.last_seen_ms > this.staleAfterMs;
    let state: HealthState;
    if (record.up === false) state = 'down';
    else if (silent && record.rejected_since_reading) state = 'payload_errors';
    else if (record.last_seen_ms === null) state = 'unknown';
    else state = silent ? 'stale' : 'up';
    return {
      state,
      last_seen_ms: record.last_seen_ms,
      readings: record.readings,
      sensor_faults: record.sensor_faults,
      field_errors: record.field_errors,
      last_field_error: record.last_field_error,
      timestamp_collisions: record.timestamp_collisions,
      last_timestamp_collision_ms: record.last_timestamp_collision_ms,
      input_problems: record.input_problems,
      consecutive_failures: record.consecutive_failures,
      last_error: record.last_error,
      last_payload_error: record.last_payload_error,
      last_payload_error_ms: record.last_payload_error_ms,
    };
  }

  private view(record: DeviceRecord): DeviceView {
    const { device } = record;
    return {
      id: device.id,
      site: device.site,
      asset: device.asset,
      measurement: device.measurement,
      protocol: device.protocol,
      discovered: record.subscription !== undefined,
      ...(record.subscription === undefined ? {} : { subscription: record.subscription }),
      health: this.health(record),
      // Copies, since the records change in place with every reading.
      latest: [...record.series.values()].map((latest) => ({
        ...latest,
        fields: { ...latest.fields },
        field_times_ms: { ...latest.field_times_ms },
      })),
    };
  }
}
