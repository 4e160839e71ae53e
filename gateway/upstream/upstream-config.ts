/** The `upstream` config section: forwarding a site's readings and alarms to a central MQTT broker. */
import { z } from 'zod';
import { mqttUrlSchema } from '../config/mqtt-url-schema.js';

/** A topic prefix: plain topic levels, as the sites and the central bridge use it. */
export const topicPrefixSchema = z
  .string()
  .min(1)
  .refine(
    (prefix) => !prefix.startsWith('$') && prefix.split('/').every((level) => level !== '' && !/[+#]/.test(level)),
    'must be plain topic levels without wildcards, empty levels or a leading $',
  );

export const upstreamConfigSchema = z.strictObject({
  /**
   * Central broker, `mqtt://host:1883` or `mqtts://host:8883` (any MQTT 3.1.1 broker), without a password,
   * which comes from `password_env` or `password_file`. Required.
   */
  url: mqttUrlSchema,
  /** First topic levels of everything this site sends. Default `coldpool/upstream`. */
  topic_prefix: topicPrefixSchema.default('coldpool/upstream'),
  /**
   * Client id of the persistent session at the central broker; keep it stable and unique per gateway
   * process so unacknowledged messages are resent after a restart. Default `coldpool-<site>-<node_id>`,
   * where `node_id` is `cluster.node_id`, or `mqtt.client_id` without a cluster.
   */
  client_id: z.string().min(1).max(64).optional(),
  /** User name for the central broker. Default none. */
  username: z.string().min(1).optional(),
  /** Environment variable that contains the password. Default none. */
  password_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** File whose first line is the password; used when `password_env` is not set. Default none. */
  password_file: z.string().min(1).optional(),
  /** Readings per MQTT message; larger batches cost the central broker less per reading. Default 500. */
  max_readings_per_message: z.number().int().min(1).max(10_000).default(500),
});

export type UpstreamConfig = z.infer<typeof upstreamConfigSchema>;
