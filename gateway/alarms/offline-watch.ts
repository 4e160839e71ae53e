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
  /**
   * Time of the newest reading, or of the last power restore at the site or the gateway's start if that
   * is later. For a device that never reported, the time it was registered from the configuration.
   */
  last_seen_ms: number;
  /** True after the input reported the device down (failed polls), until its next reading or a power restore. */
  down: boolean;
  /** Time the down report arrived, ms. Missing in state saved before it was recorded. */
  down_ms?: number;
  /** True for a configured device that has sent no reading since it was registered. */
  never_reported?: boolean;
  /** True when the gateway configuration listed the device at a start; false or missing for one only seen. */
  configured?: boolean;
}

/** A device the gateway configuration lists, with the tags its readings carry. */
export interface ConfiguredDevice {
  id: string;
  site: string;
  asset: string;
}

export interface SiteWatch {
  power_failure: boolean;
  /** `field`: the site reported mains off; `inferred`: every device went silent together. */
  source: 'field' | 'inferred' | null;
  /**
   * Devices of the site whose latest mains field is false. Missing in state saved before the mains
   * state was kept per device, whose reported failure then ends on the first mains on of any device.
   */
  mains_off?: string[];
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

/**
 * Returns true when the device is offline at `now_ms`. A device that never reported is offline only after
 * the timeout, because failed polls while it starts up are no sign of a fault.
 */
export function isDeviceOffline(device: DeviceWatch, now_ms: number, timeout_ms: number): boolean {
  if (device.down && !device.never_reported) return true;
  return now_ms - device.last_seen_ms > timeout_ms;
}

/**
 * Starts the watch of a gateway that was stopped: it could not see the devices meanwhile, so each one
 * gets one full timeout from `now_ms`, as after a power restore, and down reports from before the stop
 * no longer count. Without this, a gateway stopped for longer than the timeout found every device of a
 * site silent since about the same time at start, and raised a site power failure until readings came.
 * Alarms raised before the stop stay active until the device reports.
 */
export function resumeWatch(state: WatchState, now_ms: number): void {
  for (const device of Object.values(state.devices)) {
    device.last_seen_ms = Math.max(device.last_seen_ms, now_ms);
    device.down = false;
    delete device.down_ms;
  }
}

/**
 * Watches each configured device from `now_ms`, so one that never sends a reading still goes offline
 * after the timeout. A device already watched keeps its state, and one that never reported takes its
 * site and asset from the configuration again. A device that an earlier start registered but `devices`
 * no longer lists is dropped. Returns the ids of the dropped devices.
 */
export function registerDevices(state: WatchState, devices: ConfiguredDevice[], now_ms: number): string[] {
  const listed = new Set(devices.map((device) => device.id));
  const removed: string[] = [];
  // A device that an earlier configuration listed and this one does not was removed: it is no longer
  // watched, so it never raises an offline alarm. Devices only seen through a wildcard subscription stay.
  for (const [id, device] of Object.entries(state.devices)) {
    if (device.configured === true && !listed.has(id)) {
      forgetMainsOff(state.sites[device.site], id);
      delete state.devices[id];
      removed.push(id);
    }
  }
  for (const { id, site, asset } of devices) {
    const known = state.devices[id];
    if (known === undefined) {
      state.devices[id] = { site, asset, last_seen_ms: now_ms, down: false, never_reported: true, configured: true };
      continue;
    }
    known.configured = true;
    if (known.never_reported) {
      known.site = site;
      known.asset = asset;
    }
  }
  return removed;
}

/** Takes `device_id` out of the site's devices that report mains off, if it is there. */
function forgetMainsOff(site: SiteWatch | undefined, device_id: string): void {
  const off = site?.mains_off;
  if (off === undefined) return;
  const index = off.indexOf(device_id);
  if (index >= 0) off.splice(index, 1);
}

/**
 * Applies one reading's mains field (`mains`, undefined when the reading has none) to its site. The site
 * is in power failure while any device's latest mains field is false, so a device that reports mains on
 * does not end a failure that another device still reports. A reported failure ends once every device
 * that reported mains off has reported mains on. An inferred failure ends on the next reading, with
 * mains on or without the field. A mains-off report during an inferred failure makes it a reported one.
 */
function notePower(site: SiteWatch, device_id: string, mains: unknown): ReadingWatchUpdate['power'] {
  if (mains === false) {
    site.mains_off ??= [];
    if (!site.mains_off.includes(device_id)) site.mains_off.push(device_id);
    site.source = 'field';
    if (site.power_failure) return null;
    site.power_failure = true;
    return 'fail';
  }
  if (mains === true) forgetMainsOff(site, device_id);
  if (!site.power_failure) return null;
  let restored = false;
  if (mains === true) restored = (site.mains_off?.length ?? 0) === 0;
  else if (mains === undefined) restored = site.source === 'inferred';
  if (!restored) return null;
  site.power_failure = false;
  site.source = null;
  return 'restore';
}

/** Records a reading: the device is seen, and a mains field or a fresh reading may end a power failure. */
export function noteReading(state: WatchState, reading: Reading, detection: PowerDetection): ReadingWatchUpdate {
  const device_id = reading.tags.device ?? '';
  const site_id = reading.tags.site ?? '';
  const previous = state.devices[device_id];
  const device_back =
    previous !== undefined && (previous.down || reading.time_ms - previous.last_seen_ms > detection.timeout_ms);
  const asset = reading.tags.asset ?? '';
  const fresh = previous === undefined || previous.never_reported === true || reading.time_ms > previous.last_seen_ms;
  if (previous === undefined) {
    state.devices[device_id] = { site: site_id, asset, last_seen_ms: reading.time_ms, down: false };
  } else {
    // Updated in place, because a new record per reading lives until the device's next reading. That is
    // long enough to reach the old generation, which would then fill with garbage at the reading rate.
    if (previous.site !== site_id) {
      forgetMainsOff(state.sites[previous.site], device_id);
      previous.site = site_id;
    }
    if (previous.asset !== asset) previous.asset = asset;
    previous.last_seen_ms = Math.max(previous.last_seen_ms, reading.time_ms);
    if (previous.never_reported) previous.never_reported = false;
    if (previous.down) {
      previous.down = false;
      previous.down_ms = undefined;
    }
  }
  const site = siteOf(state, site_id);
  const power = notePower(site, device_id, reading.fields[detection.field]);
  if (power === 'restore') {
    // Devices restart at their own pace after a power cut: each gets one full timeout from the restore
    // before it counts as offline, so the restore does not turn into one offline alarm per device. A down
    // report from the outage is void too, because the input sends no new one while the device stays down.
    for (const device of Object.values(state.devices)) {
      if (device.site !== site_id) continue;
      device.last_seen_ms = Math.max(device.last_seen_ms, reading.time_ms);
      device.down = false;
      device.down_ms = undefined;
    }
  }
  return { device_back, fresh, power };
}

/**
 * Marks a device down after its input gave up on it (the Modbus poller's `device_state`). A device that
 * is neither configured nor has sent a reading is not watched, so its down report is ignored.
 */
export function noteDeviceDown(state: WatchState, device_id: string, now_ms: number): boolean {
  const device = state.devices[device_id];
  if (!device || device.down) return false;
  device.down = true;
  device.down_ms = now_ms;
  return true;
}

/** Returns the sites that have at least one offline device at `now_ms`. */
export function sitesWithOfflineDevices(state: WatchState, now_ms: number, timeout_ms: number): Set<string> {
  const sites = new Set<string>();
  for (const device of Object.values(state.devices)) {
    if (isDeviceOffline(device, now_ms, timeout_ms)) sites.add(device.site);
  }
  return sites;
}

/** Result of checking one site: an inferred power failure, or the offline devices whose own alarm is due. */
export interface SiteCheck {
  /** Devices whose silence makes an inferred power failure, or null when there is none. */
  power_failure: string[] | null;
  /** Offline devices to raise a `no_data` alarm for now. */
  offline: string[];
}

/**
 * Returns true when `other` sent a reading that shows the site still had power after `device` stopped:
 * a reading more than `window_ms` after the device's last one, or one after the device was reported down.
 */
function reportedSince(other: DeviceWatch, device: DeviceWatch, window_ms: number): boolean {
  if (other.last_seen_ms > device.last_seen_ms + window_ms) return true;
  return device.down && device.down_ms !== undefined && other.last_seen_ms > device.down_ms;
}

/**
 * Decides between a site power failure and offline alarms per device. A power failure is inferred when
 * the site has at least `min_devices` devices, all offline, whose last readings lie within `window_ms`.
 * An offline device's own alarm waits while a device still online could yet fall silent within the
 * window, so a power cut raises the site alarm first instead of one offline alarm per device.
 */
export function checkSite(state: WatchState, site_id: string, now_ms: number, detection: PowerDetection): SiteCheck {
  const members = Object.entries(state.devices).filter(([, device]) => device.site === site_id);
  const isOffline = ([, device]: [string, DeviceWatch]) => isDeviceOffline(device, now_ms, detection.timeout_ms);
  const offline = members.filter(isOffline);
  // A device that never reported did not fall silent together with the others, so it takes no part in
  // the power inference and its alarm does not wait for the other devices.
  const reporting = members.filter(([, device]) => !device.never_reported);
  const online = reporting.filter((member) => !isOffline(member));
  if (reporting.length < detection.min_devices) return { power_failure: null, offline: offline.map(([id]) => id) };

  if (online.length === 0) {
    const last_seen = reporting.map(([, device]) => device.last_seen_ms);
    if (Math.max(...last_seen) - Math.min(...last_seen) <= detection.window_ms) {
      return { power_failure: reporting.map(([id]) => id), offline: [] };
    }
    return { power_failure: null, offline: offline.map(([id]) => id) };
  }

  const due = offline.filter(
    ([, device]) =>
      device.never_reported === true || online.every(([, other]) => reportedSince(other, device, detection.window_ms)),
  );
  return { power_failure: null, offline: due.map(([id]) => id) };
}

/** Marks the site as having lost power, inferred from its devices' silence. */
export function markInferredPowerFailure(state: WatchState, site_id: string): void {
  const site = siteOf(state, site_id);
  site.power_failure = true;
  site.source = 'inferred';
}
