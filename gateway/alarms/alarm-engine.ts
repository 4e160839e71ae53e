/**
 * The alarm engine: evaluates every reading against its asset's rules, watches devices and sites for
 * silence and power failures on a clock tick, and drives notifications. Rule time comes from reading
 * timestamps, so a simulator running a fast clock works. The tick reads an injectable clock, which must
 * follow the same time as the readings.
 */
import { EventEmitter } from 'node:events';
import type { AuditSink } from '../audit/audit-entry.js';
import type { DeviceState, EventBus } from '../events.js';
import type { Reading, SensorFault } from '../reading.js';
import { type Actor, type Alarm, SITE_ASSET, toActor } from './alarm.js';
import type { AlarmConfig } from './alarm-config.js';
import { type AlarmEvents, AlarmRegistry, conditionKey } from './alarm-registry.js';
import type { AlarmStore } from './alarm-store.js';
import {
  type AssetRuntime,
  evaluateAssetReading,
  newAssetRuntime,
  type RuleOutcome,
  restoreAssetRuntime,
} from './asset-evaluator.js';
import { type AssetProfile, matchesAsset, resolveAssetProfiles } from './asset-profile.js';
import { type AssetState, allowedLevel } from './asset-state.js';
import { dueNotification } from './notification-policy.js';
import {
  type ConfiguredDevice,
  checkSite,
  markInferredPowerFailure,
  newWatchState,
  noteDeviceDown,
  noteReading,
  type PowerDetection,
  registerDevices,
  resumeWatch,
  sitesWithOfflineDevices,
  type WatchState,
} from './offline-watch.js';
import { clearAlarmsOfDevices } from './removed-devices.js';

export interface AlarmEngineOptions {
  config: AlarmConfig;
  store: AlarmStore;
  /** Receives acknowledgements, comments, closures and asset state changes. */
  audit?: AuditSink;
  /** Source of the current time for the tick, ms since the epoch. Default `Date.now`. */
  clock?: () => number;
  /**
   * Devices of the gateway configuration, watched from construction even if they never send a reading.
   * The active alarms of devices that an earlier configuration listed and this one does not are cleared
   * by `clearRemovedDevices`. Without it, the watch keeps the devices it saved, including ones that a
   * configuration no longer lists, and no alarm is cleared.
   */
  devices?: ConfiguredDevice[];
}

const WATCH_KEY = 'watch';

/** An asset state set by command, with the configured state it replaced. */
interface SavedAssetState {
  state: AssetState;
  configured: AssetState;
}

function assetKey(id: string): string {
  return `asset:${id}`;
}

function describe(profile: AssetProfile, outcome: RuleOutcome): string {
  const value = outcome.value === undefined ? '' : ` ${outcome.value.toFixed(2)}`;
  switch (outcome.kind) {
    case 'high':
      return `${profile.id} ${outcome.point}${value} °C above ${outcome.threshold} °C (${outcome.rule})`;
    case 'low':
      return `${profile.id} ${outcome.point}${value} °C below ${outcome.threshold} °C (${outcome.rule})`;
    case 'rate_of_rise':
      return `${profile.id} ${outcome.point} rising${value} °C/min, limit ${outcome.threshold} °C/min`;
    default:
      return `${profile.id} door open longer than ${profile.door.max_open_s} s`;
  }
}

export class AlarmEngine extends EventEmitter<AlarmEvents> {
  readonly profiles: AssetProfile[];
  private readonly registry: AlarmRegistry;
  private readonly runtimes = new Map<string, AssetRuntime>();
  private readonly configuredStates = new Map<string, AssetState>();
  private readonly watch: WatchState;
  private readonly detection: PowerDetection;
  private readonly clock: () => number;
  /** Configured devices that `devices` no longer lists, whose alarms `clearRemovedDevices` has yet to clear. */
  private removedDevices: ReadonlySet<string> = new Set();
  /** True when last-seen times changed since they were last saved. */
  private watchDirty = false;
  private timer: NodeJS.Timeout | undefined;

  /** Resolves the asset profiles and loads alarms and runtime state from the store. */
  constructor(private readonly options: AlarmEngineOptions) {
    super();
    const { config, store } = options;
    this.profiles = resolveAssetProfiles(config);
    this.clock = options.clock ?? Date.now;
    this.registry = new AlarmRegistry(store, this, config.notify, options.audit);
    this.watch = store.loadState<WatchState>(WATCH_KEY) ?? newWatchState();
    resumeWatch(this.watch, this.clock());
    if (options.devices !== undefined) {
      this.removedDevices = new Set(registerDevices(this.watch, options.devices, this.clock()));
    }
    for (const profile of this.profiles) {
      this.configuredStates.set(profile.id, profile.state);
      const runtime = store.loadState<AssetRuntime>(assetKey(profile.id));
      if (runtime) this.runtimes.set(profile.id, restoreAssetRuntime(runtime));
      // A state set by command survives a restart unless the configured state changed since the command.
      const saved = store.loadState<SavedAssetState>(`${assetKey(profile.id)}:state`);
      if (saved && saved.configured === profile.state) profile.state = saved.state;
    }
    this.detection = {
      field: config.power.field,
      min_devices: config.power.min_devices,
      window_ms: config.power.window_s * 1000,
      timeout_ms: config.no_data.timeout_s * 1000,
    };
  }

  /**
   * Subscribes to the bus and forwards alarm readings to its `alarm_reading` event, which keeps them out of
   * the listeners of input readings. Returns a function that undoes both.
   */
  attach(bus: EventBus): () => void {
    const onReading = (reading: Reading) => this.handleReading(reading);
    const onFault = (fault: SensorFault) => this.handleSensorFault(fault);
    const onDeviceState = (state: DeviceState) => this.handleDeviceState(state);
    const forward = (reading: Reading) => bus.emit('alarm_reading', reading);
    bus.on('reading', onReading);
    bus.on('sensor_fault', onFault);
    bus.on('device_state', onDeviceState);
    this.on('reading', forward);
    return () => {
      bus.off('reading', onReading);
      bus.off('sensor_fault', onFault);
      bus.off('device_state', onDeviceState);
      this.off('reading', forward);
    };
  }

  /** Clears the alarms of devices removed from the configuration, then starts the tick every `tick_interval_s`. */
  start(): void {
    if (this.timer) return;
    this.clearRemovedDevices();
    this.timer = setInterval(() => this.tick(), this.options.config.tick_interval_s * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.watchDirty) this.options.store.saveState(WATCH_KEY, this.watch);
    this.watchDirty = false;
  }

  /** Evaluates one reading. Readings of the `alarm` and `sensor_fault` measurements are ignored. */
  handleReading(reading: Reading): void {
    if (reading.measurement === 'alarm' || reading.measurement === 'sensor_fault') return;
    this.options.store.transaction(() => {
      this.noteSeen(reading);
      for (const profile of this.profiles) {
        if (matchesAsset(profile, reading.tags)) this.evaluate(profile, reading);
      }
    });
    // Last-seen times are saved by the tick and on stop, not per reading: serialising every device's
    // entry on each reading made the cost grow with the fleet. A crash loses at most one tick of them,
    // which only makes a device look silent a few seconds earlier after the restart.
    this.watchDirty = true;
  }

  /** Raises a probe-fault alarm for the asset whose temperature field the probe feeds. */
  handleSensorFault(fault: SensorFault): void {
    const tags = { asset: fault.asset, device: fault.device_id, site: fault.site };
    for (const profile of this.profiles) {
      if (!matchesAsset(profile, tags) || fault.field !== profile.temperature_field) continue;
      if (allowedLevel(profile.state, 'offline', 'warning') === null) continue;
      this.registry.raise(
        {
          kind: 'probe_fault',
          level: 'warning',
          rule: 'probe_fault',
          site: fault.site,
          asset: profile.id,
          device: fault.device_id,
          point: fault.field,
          message: `${profile.id} probe ${fault.field} on ${fault.device_id} reports ${fault.code} (${fault.raw_value})`,
        },
        fault.time_ms,
      );
    }
  }

  /** Marks a device down when its input reports it down; the next tick raises its offline alarm. */
  handleDeviceState(state: DeviceState): void {
    if (!state.up && noteDeviceDown(this.watch, state.device_id, this.clock())) {
      this.options.store.saveState(WATCH_KEY, this.watch);
    }
  }

  /** Detects offline devices and power failures, and sends due re-notifications and escalations. */
  tick(now_ms: number = this.clock()): void {
    this.options.store.transaction(() => {
      for (const site of sitesWithOfflineDevices(this.watch, now_ms, this.detection.timeout_ms)) {
        this.checkSite(site, now_ms);
      }
      this.options.store.saveState(WATCH_KEY, this.watch);
      this.watchDirty = false;
      for (const alarm of this.registry.openAlarms()) {
        const decision = dueNotification(
          alarm,
          this.options.config.notify,
          now_ms,
          this.registry.isActive(alarm.parent_id),
        );
        if (decision) this.registry.notifyNow(alarm, decision.reason, now_ms);
      }
    });
  }

  /**
   * Clears the active alarms of configured devices that `devices` no longer lists, with the reason
   * `REMOVED_DEVICE_REASON`, and returns them. Only the first call clears anything, and `start` calls it.
   * Notifications go only to listeners attached before the call.
   */
  clearRemovedDevices(time_ms: number = this.clock()): Alarm[] {
    const devices = this.removedDevices;
    this.removedDevices = new Set();
    let cleared: Alarm[] = [];
    this.options.store.transaction(() => {
      cleared = clearAlarmsOfDevices(this.registry, devices, time_ms);
    });
    return cleared;
  }

  /** Acknowledges an alarm. `by` is the actor's name, or an `Actor` with the name they act for. */
  acknowledge(alarm_id: string, by: string | Actor, comment: string, time_ms: number = this.clock()): Alarm {
    return this.registry.acknowledge(alarm_id, toActor(by), comment, time_ms);
  }

  comment(alarm_id: string, by: string | Actor, text: string, time_ms: number = this.clock()): Alarm {
    return this.registry.comment(alarm_id, toActor(by), text, time_ms);
  }

  /** Closes a cleared alarm with what was done with the product. */
  close(alarm_id: string, by: string | Actor, corrective_action: string, time_ms: number = this.clock()): Alarm {
    return this.registry.close(alarm_id, toActor(by), corrective_action, time_ms);
  }

  /** Changes an asset's operating state, which gates its alarms, and records who changed it. */
  setAssetState(asset_id: string, state: AssetState, by: string, time_ms: number = this.clock()): void {
    const profile = this.profiles.find((candidate) => candidate.id === asset_id);
    if (!profile) throw new RangeError(`asset ${asset_id} is not configured under alarms.assets`);
    const previous = profile.state;
    profile.state = state;
    const saved: SavedAssetState = { state, configured: this.configuredStates.get(asset_id) ?? previous };
    this.options.store.saveState(`${assetKey(asset_id)}:state`, saved);
    this.options.audit?.append({
      time_ms,
      kind: 'asset_state',
      actor: by,
      subject: asset_id,
      payload: { previous, state },
    });
  }

  /** Returns every alarm not yet closed, oldest first. */
  openAlarms(): Alarm[] {
    return this.registry.openAlarms();
  }

  private noteSeen(reading: Reading): void {
    const device = reading.tags.device ?? '';
    const site = reading.tags.site ?? '';
    const update = noteReading(this.watch, reading, this.detection);
    // Most readings arrive with no alarm active, and then there is no key to build. A late reading, older
    // than one seen before, does not show that the device is sending again.
    if (update.fresh && this.registry.active_count > 0) {
      this.registry.clear(
        conditionKey({ site, asset: reading.tags.asset ?? '', device, rule: 'no_data' }),
        reading.time_ms,
      );
    }
    if (update.power === 'fail') this.raisePowerFailure(site, 'mains power reported off', reading.time_ms);
    if (update.power === 'restore') {
      this.registry.clear(conditionKey({ site, asset: SITE_ASSET, rule: 'power_failure' }), reading.time_ms);
    }
  }

  private evaluate(profile: AssetProfile, reading: Reading): void {
    const site = reading.tags.site ?? '';
    const runtime = this.runtimes.get(profile.id) ?? newAssetRuntime(site);
    this.runtimes.set(profile.id, runtime);
    runtime.site = site;
    const flood = this.watch.sites[site]?.power_failure === true;
    const evaluation = evaluateAssetReading(runtime, profile, reading, {
      max_gap_ms: this.detection.timeout_ms,
      flood_suppressed: flood,
    });
    if (evaluation.temperature !== undefined) {
      this.registry.clear(
        conditionKey({ site, asset: profile.id, device: reading.tags.device, rule: 'probe_fault' }),
        reading.time_ms,
      );
    }
    for (const outcome of evaluation.outcomes) {
      const key = conditionKey({ site, asset: profile.id, rule: outcome.rule });
      if (outcome.change === 'clear') {
        this.registry.clear(key, reading.time_ms);
        continue;
      }
      this.registry.raise(
        {
          kind: outcome.kind,
          level: outcome.level,
          rule: outcome.rule,
          site,
          asset: profile.id,
          point: outcome.point,
          threshold: outcome.threshold,
          value: outcome.value,
          message: describe(profile, outcome),
        },
        reading.time_ms,
      );
    }
    for (const rule of profile.rules) {
      const value = reading.fields[rule.point ?? profile.temperature_field];
      if (typeof value === 'number')
        this.registry.updatePeak(conditionKey({ site, asset: profile.id, rule: rule.id }), value);
    }
    this.options.store.saveState(assetKey(profile.id), runtime);
  }

  private raisePowerFailure(site: string, cause: string, time_ms: number): void {
    const parent = this.registry.raise(
      {
        kind: 'power_failure',
        level: this.options.config.power.level,
        rule: 'power_failure',
        site,
        asset: SITE_ASSET,
        message: `site ${site} power failure: ${cause}`,
      },
      time_ms,
    );
    this.registry.link(parent, (alarm) => alarm.site === site, time_ms);
  }

  /** Raises one site alarm when the whole site went silent together, else one alarm per offline device. */
  private checkSite(site: string, now_ms: number): void {
    if (this.watch.sites[site]?.power_failure) return;
    const check = checkSite(this.watch, site, now_ms, this.detection);
    if (check.power_failure) {
      markInferredPowerFailure(this.watch, site);
      this.raisePowerFailure(site, `all ${check.power_failure.length} devices silent`, now_ms);
      return;
    }
    for (const device_id of check.offline) {
      const device = this.watch.devices[device_id];
      if (!device) continue;
      const key = conditionKey({ site, asset: device.asset, device: device_id, rule: 'no_data' });
      if (this.registry.active(key) || !this.offlineAllowed(device.asset)) continue;
      const silent_s = Math.round((now_ms - device.last_seen_ms) / 1000);
      const silence = device.never_reported
        ? 'has sent no data since the gateway started'
        : `sent no data for ${silent_s} s`;
      const parent = this.registry.raise(
        {
          kind: 'no_data',
          level: this.options.config.no_data.level,
          rule: 'no_data',
          site,
          asset: device.asset,
          device: device_id,
          message: `device ${device_id} of ${device.asset} ${silence}`,
        },
        now_ms,
      );
      const dependent = this.profiles
        .filter((profile) => profile.match.asset === device.asset)
        .map((profile) => profile.id);
      this.registry.link(parent, (alarm) => alarm.kind !== 'no_data' && dependent.includes(alarm.asset), now_ms);
    }
  }

  /** Returns false when every asset fed by the device is in a state that blocks offline alarms. */
  private offlineAllowed(asset_tag: string): boolean {
    const profiles = this.profiles.filter((profile) => profile.match.asset === asset_tag);
    if (profiles.length === 0) return true;
    return profiles.some((profile) => allowedLevel(profile.state, 'offline', 'alarm') !== null);
  }
}
