/** The JSON body and the MQTT topic of an alarm notification, the same on every channel. */
import { alarmStatus } from './alarm.js';
import type { AlarmNotification } from './alarm-registry.js';

/** Builds the JSON body sent for a notification, on MQTT and to webhooks alike. */
export function notificationPayload(notification: AlarmNotification): string {
  const { alarm } = notification;
  return JSON.stringify({
    alarm_id: alarm.id,
    reason: notification.reason,
    status: alarmStatus(alarm),
    level: alarm.level,
    kind: alarm.kind,
    rule: alarm.rule,
    site: alarm.site,
    asset: alarm.asset,
    device: alarm.device ?? null,
    message: alarm.message,
    value: alarm.value ?? null,
    threshold: alarm.threshold ?? null,
    raised_ms: alarm.raised_ms,
    time_ms: notification.time_ms,
    targets: notification.targets,
    acknowledged_by: alarm.acknowledgement?.by ?? null,
    acknowledged_on_behalf_of: alarm.acknowledgement?.on_behalf_of ?? null,
    clear_reason: alarm.clear_reason ?? null,
  });
}

/** MQTT topic of a notification: `<prefix>/<site>/<asset or _site>/<rule>`. */
export function notificationTopic(prefix: string, notification: AlarmNotification): string {
  const clean = (level: string) => level.replace(/[+#/]/g, '_') || '_site';
  const { alarm } = notification;
  return `${prefix}/${clean(alarm.site)}/${clean(alarm.asset)}/${clean(alarm.rule)}`;
}
