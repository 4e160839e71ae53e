/** Alarms as readings of the measurement `alarm`, so outputs store and forward them like any reading. */
import type { FieldValue, Reading } from '../reading.js';
import { type Alarm, alarmStatus, siteAssetOf } from './alarm.js';

/**
 * Builds the reading of one alarm transition at `time_ms`, with time source `event`, because the time may
 * be a device's stamp, a receive time or the alarm engine's clock, which can be a simulator's.
 * Tags: site, asset, device, rule, kind, level. A site power failure has asset `_site`, and an alarm about
 * no single device has device `gateway`, so every alarm reading carries the three tags a `Reading`
 * promises. Fields: alarm id, status, message, values, who acknowledged or closed it and whom they named
 * as acting for, and `clear_reason` when the alarm has one.
 */
export function alarmReading(alarm: Alarm, time_ms: number): Reading {
  const tags: Record<string, string> = {
    site: alarm.site,
    asset: siteAssetOf(alarm.asset),
    device: alarm.device ?? 'gateway',
    rule: alarm.rule,
    kind: alarm.kind,
    level: alarm.level,
  };
  const fields: Record<string, FieldValue> = {
    alarm_id: alarm.id,
    status: alarmStatus(alarm),
    active: alarm.active,
    message: alarm.message,
    raised_ms: alarm.raised_ms,
  };
  if (alarm.value !== undefined && Number.isFinite(alarm.value)) fields.value = alarm.value;
  if (alarm.peak_value !== undefined && Number.isFinite(alarm.peak_value)) fields.peak_value = alarm.peak_value;
  if (alarm.threshold !== undefined) fields.threshold = alarm.threshold;
  if (alarm.acknowledgement) {
    fields.acknowledged_by = alarm.acknowledgement.by;
    if (alarm.acknowledgement.on_behalf_of !== undefined)
      fields.acknowledged_on_behalf_of = alarm.acknowledgement.on_behalf_of;
    fields.acknowledge_comment = alarm.acknowledgement.comment;
  }
  if (alarm.closure) {
    fields.closed_by = alarm.closure.by;
    if (alarm.closure.on_behalf_of !== undefined) fields.closed_on_behalf_of = alarm.closure.on_behalf_of;
    fields.corrective_action = alarm.closure.corrective_action;
  }
  if (alarm.parent_id) fields.parent_id = alarm.parent_id;
  if (alarm.clear_reason !== undefined) fields.clear_reason = alarm.clear_reason;
  return {
    measurement: 'alarm',
    tags,
    fields,
    integer_fields: new Set(['raised_ms']),
    time_ms,
    time_source: 'event',
  };
}
