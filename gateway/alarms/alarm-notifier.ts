/**
 * Delivers alarm notifications: an MQTT publish through a function the gateway supplies, and a signed
 * POST to each configured webhook. Delivery runs in the background; failures are emitted as events for
 * the gateway to log, and never stop the alarm engine. With a `NotificationOutbox`, each delivery is
 * stored before it starts and retried until it succeeds or grows too old.
 */
import { EventEmitter } from 'node:events';
import { redactUrlText } from '../secrets.js';
import type { AlarmEngine } from './alarm-engine.js';
import type { AlarmNotification } from './alarm-registry.js';
import {
  type NotificationChannel,
  type NotificationOutbox,
  type OutboxEntry,
  type OutboxRow,
  outboxRetryDelay,
} from './notification-outbox.js';
import { notificationPayload, notificationTopic } from './notification-payload.js';
import type { NotifyConfig } from './notify-schema.js';
import { sendWebhook, type WebhookError } from './webhook-sender.js';

export { notificationPayload, notificationTopic };

/** Publishes one MQTT message; the gateway passes its client's publish. */
export type PublishHook = (topic: string, payload: string) => void | Promise<void>;

/** Interval of the outbox retry pass, in milliseconds. */
const RETRY_INTERVAL_MS = 1_000;
/** Maximum number of deliveries a retry pass keeps under way, so a long backlog does not open thousands of requests. */
const MAX_RETRIES_IN_FLIGHT = 50;

interface DeliveryTarget {
  channel: NotificationChannel;
  /** MQTT topic or webhook URL. */
  target: string;
  alarm_id: string;
}

export interface NotifierEvents {
  delivered: [DeliveryTarget & { attempts: number }];
  /**
   * A delivery failed. `queued` is true when its outbox row stays to be sent again: at `next_attempt_ms`,
   * or at the next start when the failure came after `stop`.
   */
  delivery_failed: [
    DeliveryTarget & {
      error: Error | WebhookError;
      queued: boolean;
      /** Failed delivery passes of the outbox row so far, absent without an outbox. */
      failures?: number;
      next_attempt_ms?: number;
      /** True when an earlier pass of the row failed with another message, such as a key that went missing. */
      cause_changed?: boolean;
    },
  ];
  /** A queued delivery reached `outbox_max_age_s` and was deleted unsent. */
  expired: [DeliveryTarget & { age_ms: number; last_error: string | null }];
  /** The oldest queued deliveries were deleted unsent because the outbox reached `outbox_max_rows`. */
  outbox_overflow: [{ dropped: number; max_rows: number }];
  /** Reading or writing the outbox failed. A new notification is then sent from memory only. */
  outbox_failed: [{ error: Error; operation: string }];
}

export interface AlarmNotifierOptions {
  notify: NotifyConfig;
  publish?: PublishHook;
  /** Environment that the webhook `secret_env` names are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Waits between webhook attempts. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Durable queue of deliveries. Without it, a failed delivery is reported and dropped. */
  outbox?: NotificationOutbox;
  /** Wall-clock time of outbox rows, their retries and their age, ms. Default `Date.now`. */
  clock?: () => number;
  /** Interval of the outbox retry pass, ms. Default 1000. */
  retry_interval_ms?: number;
}

/** A delivery to a target that the configuration no longer contains. Sending it again cannot succeed. */
class TargetNotConfiguredError extends Error {
  readonly retryable = false;
}

function isRetryable(error: Error): boolean {
  return (error as { retryable?: unknown }).retryable !== false;
}

export class AlarmNotifier extends EventEmitter<NotifierEvents> {
  private readonly pending = new Set<Promise<void>>();
  /** Ids of outbox rows whose delivery is under way. */
  private readonly inFlight = new Set<number>();
  private retryTimer: NodeJS.Timeout | undefined;
  /** Set by `stop`; late delivery callbacks then leave the outbox alone. */
  private stopped = false;
  private readonly clock: () => number;

  constructor(private readonly options: AlarmNotifierOptions) {
    super();
    this.clock = options.clock ?? Date.now;
  }

  /** Delivers every notification of the engine. Returns a function that stops listening. */
  attach(engine: AlarmEngine): () => void {
    const listener = (notification: AlarmNotification) => this.deliver(notification);
    engine.on('notification', listener);
    return () => engine.off('notification', listener);
  }

  /**
   * Starts delivery of one notification on every channel without waiting for it. With an outbox, its
   * rows are inserted before this returns and before any network I/O starts.
   */
  deliver(notification: AlarmNotification): void {
    const body = notificationPayload(notification);
    const entries: OutboxEntry[] = this.targets(notification).map(({ channel, target }) => ({
      channel,
      target,
      alarm_id: notification.alarm.id,
      body,
    }));
    const rows = this.enqueue(entries);
    if (rows) {
      for (const row of rows) this.sendRow(row);
      return;
    }
    for (const entry of entries) this.track(entry, this.send(entry));
  }

  /**
   * Makes the outbox rows left from an earlier run due now and starts the retry timer, whose first pass
   * runs in a microtask. Returns the number of rows left, 0 without an outbox.
   */
  resume(): number {
    const left = this.withOutbox('resume', (outbox) => outbox.makeAllDue(this.clock()));
    if (left === undefined) return 0;
    clearInterval(this.retryTimer);
    this.retryTimer = setInterval(() => this.retryDue(), this.options.retry_interval_ms ?? RETRY_INTERVAL_MS);
    this.retryTimer.unref();
    // The first pass runs after the caller has logged the count, unless `stop` came first.
    queueMicrotask(() => {
      if (this.retryTimer) this.retryDue();
    });
    return left;
  }

  /**
   * Stops the retry timer and waits at most `timeout_ms` for deliveries under way, as `flush` does. Rows
   * whose delivery has not finished stay in the outbox, and the outbox is not used afterwards, so the
   * caller may close its database. Returns the number of deliveries still under way.
   */
  async stop(timeout_ms = Number.POSITIVE_INFINITY): Promise<number> {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    const underWay = await this.flush(timeout_ms);
    this.stopped = true;
    return underWay;
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

  private targets(notification: AlarmNotification): Array<{ channel: NotificationChannel; target: string }> {
    const { publish, notify } = this.options;
    const targets: Array<{ channel: NotificationChannel; target: string }> = [];
    if (publish) targets.push({ channel: 'mqtt', target: notificationTopic(notify.mqtt_topic_prefix, notification) });
    for (const webhook of notify.webhooks) targets.push({ channel: 'webhook', target: webhook.url });
    return targets;
  }

  /** Inserts the entries into the outbox. Returns undefined without a usable outbox, so they go from memory. */
  private enqueue(entries: OutboxEntry[]): OutboxRow[] | undefined {
    return this.withOutbox('insert', (outbox) => {
      const { rows, dropped } = outbox.add(entries, this.clock());
      if (dropped > 0) this.emit('outbox_overflow', { dropped, max_rows: outbox.max_rows });
      return rows;
    });
  }

  /** Sends one delivery and resolves with the number of attempts it took. */
  private send(entry: OutboxEntry): Promise<number> {
    if (entry.channel === 'mqtt') {
      const { publish } = this.options;
      if (!publish) {
        const message = `MQTT notification for ${entry.target} not sent: the gateway has no MQTT client configured`;
        return Promise.reject(new TargetNotConfiguredError(message));
      }
      return Promise.resolve()
        .then(() => publish(entry.target, entry.body))
        .then(() => 1);
    }
    const webhook = this.options.notify.webhooks.find((candidate) => candidate.url === entry.target);
    if (!webhook) {
      const message = `webhook ${redactUrlText(entry.target)} is no longer in notify.webhooks, so its queued notification is dropped`;
      return Promise.reject(new TargetNotConfiguredError(message));
    }
    const secret = webhook.secret_env ? (this.options.env ?? process.env)[webhook.secret_env] : undefined;
    if (webhook.secret_env && !secret) {
      return Promise.reject(
        new Error(`environment variable ${webhook.secret_env} is not set; set it to the webhook HMAC key`),
      );
    }
    return sendWebhook(webhook, entry.body, { secret, sleep: this.options.sleep });
  }

  private sendRow(row: OutboxRow): void {
    this.inFlight.add(row.id);
    this.track(row, this.send(row), row);
  }

  /** Reports the outcome of a delivery and, for an outbox row, deletes or reschedules the row. */
  private track(entry: OutboxEntry, delivery: Promise<number>, row?: OutboxRow): void {
    const { channel, target, alarm_id } = entry;
    const settled = delivery.then(
      (attempts) => {
        if (row) this.withOutbox('delete', (outbox) => outbox.remove(row.id));
        this.emit('delivered', { channel, target, alarm_id, attempts });
      },
      (error: Error) => {
        if (row) this.requeue(row, error);
        else this.emit('delivery_failed', { channel, target, alarm_id, error, queued: false });
      },
    );
    this.pending.add(settled);
    void settled.finally(() => {
      this.pending.delete(settled);
      if (row) this.inFlight.delete(row.id);
    });
  }

  /**
   * Handles a failed delivery of an outbox row: deletes the row when a retry cannot help or the row has
   * reached `outbox_max_age_s`, and otherwise schedules the next pass with capped backoff.
   */
  private requeue(row: OutboxRow, error: Error): void {
    const { channel, target, alarm_id } = row;
    const failures = row.attempts + 1;
    if (!isRetryable(error)) {
      this.withOutbox('delete', (outbox) => outbox.remove(row.id));
      this.emit('delivery_failed', { channel, target, alarm_id, error, queued: false, failures });
      return;
    }
    const now_ms = this.clock();
    const age_ms = now_ms - row.created_ms;
    if (age_ms >= this.maxAgeMs()) {
      this.withOutbox('delete', (outbox) => outbox.remove(row.id));
      this.emit('expired', { channel, target, alarm_id, age_ms, last_error: error.message });
      return;
    }
    const next_attempt_ms = now_ms + outboxRetryDelay(failures);
    const rescheduled = this.withOutbox('update', (outbox) =>
      outbox.reschedule(row.id, next_attempt_ms, error.message),
    );
    // `rescheduled` is undefined after `stop` or a failed update, and the row then stays as it was, so the
    // next start sends it. It is false when the `outbox_max_rows` bound has already deleted the row.
    this.emit('delivery_failed', {
      channel,
      target,
      alarm_id,
      error,
      queued: rescheduled !== false,
      failures,
      cause_changed: row.last_error !== null && row.last_error !== error.message,
      ...(rescheduled ? { next_attempt_ms } : {}),
    });
  }

  /** Deletes rows that reached `outbox_max_age_s`, then starts the due rows not already under way. */
  private retryDue(): void {
    const now_ms = this.clock();
    const expired = this.withOutbox('expire', (outbox) =>
      outbox
        .createdAtOrBefore(now_ms - this.maxAgeMs())
        .filter((row) => !this.inFlight.has(row.id) && outbox.remove(row.id)),
    );
    for (const row of expired ?? []) {
      const { channel, target, alarm_id, last_error } = row;
      this.emit('expired', { channel, target, alarm_id, age_ms: now_ms - row.created_ms, last_error });
    }
    const free = MAX_RETRIES_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return;
    const due = this.withOutbox('select', (outbox) => outbox.due(now_ms, free + this.inFlight.size)) ?? [];
    for (const row of due.filter((candidate) => !this.inFlight.has(candidate.id)).slice(0, free)) this.sendRow(row);
  }

  private maxAgeMs(): number {
    return this.options.notify.outbox_max_age_s * 1000;
  }

  /**
   * Runs `work` on the outbox unless there is none, `stop` has run or its database is closed. Returns
   * undefined then, and when `work` throws, which is emitted as `outbox_failed`.
   */
  private withOutbox<T>(operation: string, work: (outbox: NotificationOutbox) => T): T | undefined {
    const { outbox } = this.options;
    if (!outbox || this.stopped || !outbox.open) return undefined;
    try {
      return work(outbox);
    } catch (error) {
      this.emit('outbox_failed', { error: error as Error, operation });
      return undefined;
    }
  }
}
