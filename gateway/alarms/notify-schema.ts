/** Zod schema of alarm notification: re-notification, the escalation ladder, webhooks and MQTT. */
import { z } from 'zod';
import { alarmLevelSchema } from './rule-schemas.js';

/** One rung of the escalation ladder. */
export const escalationStepSchema = z.strictObject({
  /** Time after the alarm was raised at which this rung is notified, if still unacknowledged, s. */
  after_s: z.number().min(0),
  /** Recipient names, which the webhook receiver maps to people or phone numbers. */
  targets: z.array(z.string().min(1)).min(1),
  /** Lowest alarm level that climbs to this rung. Default `warning` (every level). */
  min_level: alarmLevelSchema.default('warning'),
});
export type EscalationStep = z.infer<typeof escalationStepSchema>;

/** An HTTP endpoint that receives every alarm notification as a signed JSON POST. */
export const webhookSchema = z.strictObject({
  /** `http://` or `https://` URL. */
  url: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL')
    // Node's fetch rejects a URL with user info, so every delivery to it would fail.
    .refine(
      (url) => !/^https?:\/\/[^/?#]*@/.test(url),
      'must not contain a user name or password (fetch rejects such a URL); give the receiver a token in the query, such as ?token=..., and sign requests with secret_env',
    ),
  /** Environment variable that contains the HMAC-SHA256 key; without it requests are sent unsigned. */
  secret_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** Attempts per notification, the first included. Default 5. */
  max_attempts: z.number().int().min(1).max(20).default(5),
  /** Timeout of one request, s. Default 10. */
  timeout_s: z.number().positive().default(10),
  /** Upper bound of the first retry delay, ms; later delays double up to 60 s. Default 1000. */
  retry_initial_ms: z.number().int().min(1).default(1000),
});
export type WebhookConfig = z.infer<typeof webhookSchema>;

export const notifySchema = z.strictObject({
  /** Interval at which an unacknowledged alarm is notified again, s. 0 turns re-notification off. Default 600. */
  renotify_s: z.number().min(0).default(600),
  /** Escalation ladder by time since raised. Default: `operator` at once, `supervisor` after 30 min. */
  escalation: z
    .array(escalationStepSchema)
    .min(1)
    .default([
      { after_s: 0, targets: ['operator'], min_level: 'warning' },
      { after_s: 1800, targets: ['supervisor'], min_level: 'alarm' },
    ]),
  webhooks: z.array(webhookSchema).default([]),
  /** First topic levels of alarm messages published over MQTT. Default `coldpool/alarms`. */
  mqtt_topic_prefix: z.string().min(1).default('coldpool/alarms'),
  /**
   * Age at which a notification still queued for delivery is dropped, s. The minimum, 600, leaves room
   * for the retries at 30 s, 1, 2 and 4 min after the first failure. Default 86400 (one day).
   */
  outbox_max_age_s: z.number().min(600).default(86_400),
  /** Maximum number of queued deliveries. A new notification beyond it drops the oldest. Default 10000. */
  outbox_max_rows: z.number().int().min(1).default(10_000),
});
export type NotifyConfig = z.infer<typeof notifySchema>;
