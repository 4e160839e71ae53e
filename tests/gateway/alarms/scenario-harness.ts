/**
 * Drives the alarm engine from the firmware-sim cold-room model with a simulated clock: every step
 * advances the model, turns its state into a reading as a controller would report it, and ticks the
 * engine at the same simulated time.
 */
import type Database from 'better-sqlite3';
import type { ColdRoomModel, ColdRoomState } from '../../../firmware-sim/physics/cold-room-model.js';
import { type AlarmConfig, alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import type { AlarmNotifier } from '../../../gateway/alarms/alarm-notifier.js';
import type { AlarmNotification, AlarmTransition } from '../../../gateway/alarms/alarm-registry.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import type { ConfiguredDevice } from '../../../gateway/alarms/offline-watch.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import type { Reading } from '../../../gateway/reading.js';

export const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);

export interface EngineHarness {
  engine: AlarmEngine;
  db: Database.Database;
  config: AlarmConfig;
  transitions: AlarmTransition[];
  notifications: AlarmNotification[];
  now: { ms: number };
}

/**
 * Creates an engine over a records database at `path` (`:memory:` by default) with a manual clock. It
 * watches `devices` as the gateway's configured devices when they are given.
 */
export function startEngine(
  configInput: unknown,
  path = ':memory:',
  now = { ms: START_MS },
  devices?: ConfiguredDevice[],
): EngineHarness {
  const config = alarmConfigSchema.parse(configInput);
  const db = openRecordsDatabase(path);
  const store = new AlarmStore(db);
  const engine = new AlarmEngine({ config, store, clock: () => now.ms, ...(devices ? { devices } : {}) });
  const transitions: AlarmTransition[] = [];
  const notifications: AlarmNotification[] = [];
  engine.on('transition', (transition) => transitions.push(structuredClone(transition)));
  engine.on('notification', (notification) => notifications.push(structuredClone(notification)));
  return { engine, db, config, transitions, notifications, now };
}

export interface ReadingOptions {
  site?: string;
  asset?: string;
  device?: string;
  /** Include the controller's `defrost_on` field. Default true. */
  defrost_field?: boolean;
}

/** Builds the reading a cold-room controller would send for the model state. */
export function modelReading(state: ColdRoomState, options: ReadingOptions = {}): Reading {
  const fields: Reading['fields'] = {
    air_temp_c: Math.round(state.air_c * 100) / 100,
    evap_temp_c: Math.round(state.evaporator_c * 100) / 100,
    product_temp_c: Math.round(state.product_c * 100) / 100,
    compressor_on: state.compressor_on,
    door_open: state.door_open,
  };
  if (options.defrost_field ?? true) fields.defrost_on = state.phase === 'defrost';
  return {
    measurement: 'cold_room',
    tags: { site: options.site ?? 'site-1', asset: options.asset ?? 'room-1', device: options.device ?? 'ctl-1' },
    fields,
    integer_fields: new Set(),
    time_ms: state.time_ms,
    time_source: 'source',
  };
}

/**
 * Runs the model for `duration_s` in steps of `step_s`, sending one reading per step and ticking the
 * engine. `beforeStep` may change the model (open a door, stop the compressor) at a given elapsed time.
 */
export function runModel(
  harness: EngineHarness,
  model: ColdRoomModel,
  duration_s: number,
  options: ReadingOptions & { step_s?: number; beforeStep?: (elapsed_s: number) => void } = {},
): void {
  const step_s = options.step_s ?? 60;
  for (let elapsed = 0; elapsed < duration_s; elapsed += step_s) {
    options.beforeStep?.(elapsed);
    model.step(step_s);
    harness.now.ms = model.state.time_ms;
    harness.engine.handleReading(modelReading(model.state, options));
    harness.engine.tick(harness.now.ms);
  }
}

/** Returns the raised transitions, as `rule@minutes-after-start`. */
export function raisedRules(harness: EngineHarness, start_ms = START_MS): string[] {
  return harness.transitions
    .filter((transition) => transition.transition === 'raised')
    .map((transition) => `${transition.alarm.rule}@${Math.round((transition.time_ms - start_ms) / 60_000)}`);
}

/** Builds a reading with only the air temperature, for generated series. */
export function temperatureReading(time_ms: number, air_c: number, options: ReadingOptions = {}): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: options.site ?? 'site-1', asset: options.asset ?? 'room-1', device: options.device ?? 'ctl-1' },
    fields: { air_temp_c: air_c },
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

/** Raises one high alarm on a fresh in-memory engine with `notifier` attached, and returns the harness. */
export function raiseWith(notifier: AlarmNotifier) {
  const harness = startEngine({
    assets: [{ id: 'room-1', class: 'chilled', rules: [{ direction: 'high', level: 'alarm', threshold_c: 5 }] }],
  });
  notifier.attach(harness.engine);
  harness.engine.handleReading(temperatureReading(START_MS, 7.5));
  return harness;
}
