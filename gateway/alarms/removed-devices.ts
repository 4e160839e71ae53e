/**
 * Alarms of devices taken out of the configuration. The engine no longer watches such a device and no
 * reading of it is expected, so nothing would end their condition, and the engine clears them at start.
 * Devices found through wildcard subscriptions are not configured, so their alarms stay.
 * NOTE: a device is known as removed only from a saved watch record with `configured: true`. A record
 * that an earlier start already dropped leaves its device's alarms active.
 */
import type { Alarm } from './alarm.js';
import { type AlarmRegistry, conditionKey } from './alarm-registry.js';

/** `clear_reason` of an alarm cleared because its device was removed from the configuration. */
export const REMOVED_DEVICE_REASON = 'device removed from the configuration';

/** Number of device ids a log line names before it counts the rest. */
const MAX_LOGGED_IDS = 20;

/** Clears every active alarm whose `device` is one of `devices`. Returns the cleared alarms. */
export function clearAlarmsOfDevices(registry: AlarmRegistry, devices: ReadonlySet<string>, time_ms: number): Alarm[] {
  if (devices.size === 0) return [];
  const cleared: Alarm[] = [];
  for (const alarm of registry.openAlarms()) {
    if (!alarm.active || alarm.device === undefined || !devices.has(alarm.device)) continue;
    const done = registry.clear(conditionKey(alarm), time_ms, REMOVED_DEVICE_REASON);
    if (done) cleared.push(done);
  }
  return cleared;
}

/** Returns the distinct device ids of the alarms, in order of first appearance. */
export function deviceIdsOf(alarms: Alarm[]): string[] {
  return [...new Set(alarms.flatMap((alarm) => (alarm.device === undefined ? [] : [alarm.device])))];
}

/** Joins ids for a log line: the first `MAX_LOGGED_IDS`, then `and N more` for the rest. */
export function listIds(ids: string[], max = MAX_LOGGED_IDS): string {
  if (ids.length <= max) return ids.join(', ');
  return `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}
