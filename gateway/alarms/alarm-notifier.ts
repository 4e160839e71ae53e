/**
 * Delivers alarm notifications: an MQTT publish through a function the gateway supplies, and a signed
 * POST to each configured webhook. Delivery runs in the background; failures are emitted as events for
 * the gateway to log, and never stop the alarm engine.
 */
import { EventEmitter } from 'node:events';
import { alarmStatus } from './alarm.js';
import type { AlarmEngine } from './alarm-engine.js';
import type { AlarmNotification } from './alarm-registry.js';
import type { NotifyConfig } from './notify-schema.js';
import { sendWebhook, type WebhookError } from './webhook-sender.js';

/** Publishes one MQTT message; the gateway passes its client's publish. */
export type PublishHook = (topic: string, payload: string) => void | Promise<void>;

export interface NotifierEvents {
  delivered: [{ channel: 'mqtt' | 'webhook'; target: string; alarm_id: string; attempts: number }];
  delivery_failed: [{ channel: 'mqtt' | 'webhook'; target: string; alarm_id: string; error: Error | WebhookError }];
}

export interface AlarmNotifierOptions {
  notify: NotifyConfig;
  publish?: PublishHook;
  /** Environment that the webhook `secret_env` names are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Waits between webhook attempts. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

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
    clear_reason: alarm.clear_reason ?? null,
  });
}

/** MQTT topic of a notification: `<prefix>/<site>/<asset or _site>/<rule>`. */
export function notificationTopic(prefix: string, notification: AlarmNotification): string {
  const clean = (level: string) => level.replace(/[+#/]/g, '_') || '_site';
  const { alarm } = notification;
  return `${prefix}/${clean(alarm.site)}/${clean(alarm.asset)}/${clean(alarm.rule)}`;
}

export class AlarmNotifier extends EventEmitter<NotifierEvents> {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: AlarmNotifierOptions) {
    super();
  }

  /** Delivers every notification of the engine. Returns a function that stops listening. */
  attach(engine: AlarmEngine): () => void {
    const listener = (notification: AlarmNotification) => this.deliver(notification);
    engine.on('notification', listener);
    return () => engine.off('notification', listener);
  }

  /** Starts delivery of one notification on every channel without waiting for it. */
  deliver(notification: AlarmNotification): void {
    const body = notificationPayload(notification);
    const { publish, notify } = this.options;
    if (publish) {
      const topic = notificationTopic(notify.mqtt_topic_prefix, notification);
      this.track(
        Promise.resolve()
          .then(() => publish(topic, body))
          .then(() =>
            this.emit('delivered', { channel: 'mqtt', target: topic, alarm_id: notification.alarm.id, attempts: 1 }),
          ),
        'mqtt',
        topic,
        notification,
      );
    }
    for (const webhook of notify.webhooks) {
      const secret = webhook.secret_env ? (this.options.env ?? process.env)[webhook.secret_env] : undefined;
      if (webhook.secret_env && !secret) {
        const error = new Error(
          `environment variable ${webhook.secret_env} is not set; set it to the webhook HMAC key`,
        );
        this.track(Promise.reject(error), 'webhook', webhook.url, notification);
        continue;
      }
      const delivery = sendWebhook(webhook, body, { secret, sleep: this.options.sleep }).then((attempts) =>
        this.emit('delivered', { channel: 'webhook', target: webhook.url, alarm_id: notification.alarm.id, attempts }),
      );
      this.track(delivery, 'webhook', webhook.url, notification);
    }
  }

  /**
   * Waits until every delivery started so far has succeeded or failed, or until `timeout_ms` has passed.
   * Returns the number of deliveries still under way, 0 when all settled.
   */
  async flush(timeout_ms = Number.POSITIVE_INFINITY): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed_out'>((resolve) => {
      if (Number.isFinite(timeout_ms)) timer = setTimeout(() => resolve('timed_out'), timeout_ms);
    });
    try {
      while (this.pending.size > 0) {
        const outcome = await Promise.race([Promise.allSettled([...this.pending]), timedOut]);
        if (outcome === 'timed_out') break;
      }
    } finally {
      clearTimeout(timer);
    }
    return this.pending.size;
  }

  private track(
    delivery: Promise<unknown>,
    channel: 'mqtt' | 'webhook',
    target: string,
    notification: AlarmNotification,
  ) {
    const settled = delivery.then(
      () => undefined,
      (error: Error) => {
        this.emit('delivery_failed', { channel, target, alarm_id: notification.alarm.id, error });
      },
    );
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }
}
