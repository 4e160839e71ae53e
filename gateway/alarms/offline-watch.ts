/**
 * Offline and power-failure detection. Each device's last reading time is kept; a device silent longer
 * than the no-data timeout, or reported down by its input, is offline. When every device of a site goes
 * silent at about the same time, the likely cause is the site's power, so one site alarm replaces one
 * alarm per device (flood control).
 */
import type { Reading } from '../reading.js';

export interface DeviceWatch {
  site: string;
  asset: string;
  last_seen_ms: number;
  /** True after the input reported the device down (failed polls), until its next reading. */
  down: boolean;
}

export interface SiteWatch {
  power_failure: boolean;
  /** `field`: the site reported mains off; `inferred`: every device went silent together. */
  source: 'field' | 'inferred' | null;
}

/** Serialisable state of all devices and sites. */
export interface WatchState {
  devices: Record<string, DeviceWatch>;
  sites: Record<string, SiteWatch>;
}

export function newWatchState(): WatchState {
  return { devices: {}, sites: {} };
}

export interface PowerDetection {
  /** Boolean field that is false while mains power is off. */
  field: string;
  min_devices: number;
  window_ms: number;
  timeout_ms: number;
}

/** Changes one reading made to its device and site. */
export interface ReadingWatchUpdate {
  /** The device was offline (silent or down) and is back. */
  device_back: boolean;
  /** The reading is newer than every earlier reading of the device. A late reading does not end an outage. */
  fresh: boolean;
  power: 'fail' | 'restore' | null;
}

function siteOf(state: WatchState, site: string): SiteWatch {
  state.sites[site] ??= { power_failure: false, source: null };
  return state.sites[site];
}

/** Returns true when the device is offline at `now_ms`. */
export function isDeviceOffline(device: DeviceWatch, now_ms: number, timeout_ms: number): boolean {
  return device.down || now_ms - device.last_seen_ms > timeout_ms;
}

/** Records a reading: the device is seen, and a mains field or a fresh reading may end a power failure. */
export function noteReading(state: WatchState, reading: Reading, detection: PowerDetection): ReadingWatchUpdate {
  const device_id = reading.tags.device ?? '';
  const site_id = reading.tags.site ?? '';
  const previous = state.devices[device_id];
  const device_back =
    previous !== undefined && (previous.down || reading.time_ms - previous.last_seen_ms > detection.timeout_ms);
  const asset = reading.tags.asset ?? '';
  const fresh = previous === undefined || reading.time_ms > previous.last_seen_ms;
  if (previous === undefined) {
    state.devices[device_id] = { site: site_id, asset, last_seen_ms: reading.time_ms, down: false };
  } else {
    // Updated in place, because a new record per reading lives until the device's next reading. That is
    // long enough to reach the old generation, which would then fill with garbage at the reading rate.
    if (previous.site !== site_id) previous.site = site_id;
    if (previous.asset !== asset) previous.asset = asset;
    previous.last_seen_ms = Math.max(previous.last_seen_ms, reading.time_ms);
    previous.down = false;
  }
  const site = siteOf(state, site_id);
  const mains = reading.fields[detection.field];
  let power: ReadingWatchUpdate['power'] = null;
  if (mains === false && !site.power_failure) {
    site.power_failure = true;
    site.source = 'field';
    power = 'fail';
  } else if (site.power_failure && (mains === true || (mains === undefined && site.source === 'inferred'))) {
    site.power_failure = false;
    site.source = null;
    power = 'restore';
    // Devices restart at their own pace after a power cut: each gets one full timeout from the restore
    // before it counts as offline, so the restore does not turn into one offline alarm per device.
    for (const device of Object.values(state.devices)) {
      if (device.site === site_id) device.last_seen_ms = Math.max(device.last_seen_ms, reading.time_ms);
    }
  }
  return { device_back, fresh, power };
}

/**
 * Marks a device down after its input gave up on it (the Modbus poller's `device_state`).
 * NOTE: a device that never sent a reading is not watched, because its site and asset come from reading
 * tags. A device dead since the gateway started therefore raises no offline alarm.
 */
export function noteDeviceDown(state: WatchState, device_id: string): boolean {
  const device = state.devices[device_id];
  if (!device || device.down) return false;
  device.down = true;
  return true;
}

/** Returns the offline devices of each site at `now_ms`. */
export function offlineBySite(state: WatchState, now_ms: number, timeout_ms: number): Map<string, string[]> {
  const bySite = new Map<string, string[]>();
  for (const [id, device] of Object.entries(state.devices)) {
    if (!isDeviceOffline(device, now_ms, timeout_ms)) continue;
    const list = bySite.get(device.site) ?? [];
    list.push(id);
    bySite.set(device.site, list);
  }
  return bySite;
}

/**
 * Returns true and marks the site when its silence looks like a power failure. That needs at least
 * `min_devices` devices, each reported down or silent for longer than `timeout_ms − window_ms`, so devices
 * that stopped within one window of each other count as one event.
 */
export function inferPowerFailure(state: WatchState, site_id: string, now_ms: number, detection: PowerDetection) {
  const devices = Object.values(state.devices).filter((device) => device.site === site_id);
  if (devices.length < detection.min_devices) return false;
  const threshold_ms = detection.timeout_ms - detection.window_ms;
  const allSilent = devices.every((device) => device.down || now_ms - device.last_seen_ms > threshold_ms);
  if (!allSilent) return false;
  const site = siteOf(state, site_id);
  site.power_failure = true;
  site.source = 'inferred';
  return true;
}
