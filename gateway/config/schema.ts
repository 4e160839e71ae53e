import { z } from 'zod';
import { alarmConfigSchema } from '../alarms/alarm-config.js';
import { checkClusterRules, clusterConfigSchema } from '../cluster/cluster-config.js';
import { planningConfigSchema } from '../planning/planning-config.js';
import { queueConfigSchema } from '../queue/queue-config.js';
import { DEFAULT_HTTP_PORT } from '../security/listener-safety.js';
import { httpAuthSchema, mqttAuthSchema, mqttTlsSchema } from '../security/security-config.js';
import { upstreamConfigSchema } from '../upstream/upstream-config.js';
import { busSchema, deviceSchema, profileSchema, subscriptionSchema } from './device-schema.js';
import { hostSchema } from './host-schema.js';
import { checkListenerPorts } from './listener-ports.js';
import { mqttUrlSchema } from './mqtt-url-schema.js';

/** A secret is read from an environment variable or a file, never written in the config itself. */
const secretRef = {
  /** User name for the server. */
  username: z.string().min(1).optional(),
  /** Environment variable that contains the password. */
  password_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** File whose first line is the password. */
  password_file: z.string().min(1).optional(),
};

/**
 * Default of `mqtt.broker.max_payload_bytes`, 256 KiB. It fits the plans the gateway publishes on
 * `planning.plans_topic`: 66 to 75 kB as JSON for the 300 orders of examples/plan/county.yaml.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 262144;

const embeddedBroker = z.strictObject({
  /** Run the embedded aedes broker. */
  enabled: z.boolean().default(true),
  /** Listen address; anything but loopback needs authentication. */
  host: hostSchema.default('127.0.0.1'),
  /** Listen port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(1883),
  /**
   * Maximum accepted PUBLISH payload, in bytes (`DEFAULT_MAX_PAYLOAD_BYTES`). Packets of every type are
   * limited to this plus 65,539 bytes before the broker reads their body (`maxPacketBytes`).
   */
  max_payload_bytes: z.number().int().min(64).max(268435455).default(DEFAULT_MAX_PAYLOAD_BYTES),
  /** Users, roles and topic ACLs; without it only loopback clients connect, anonymously. */
  auth: mqttAuthSchema.optional(),
  /** TLS listener beside the plain one. */
  tls: mqttTlsSchema.optional(),
});

/** MQTT QoS 0 or 1; QoS 2 is not supported. */
const qosLevel = z.literal([0, 1], { error: 'must be 0 or 1 (QoS 2 is not supported)' });

const republish = z.strictObject({
  /** Publish every normalised reading for dashboards. */
  enabled: z.boolean().default(true),
  /** First topic levels of the republished tree. */
  topic_prefix: z.string().min(1).default('coldpool/readings'),
  qos: qosLevel.default(0),
});

const mqttSchema = z.strictObject({
  broker: embeddedBroker.prefault({}),
  /** External broker URL (`mqtt://host:1883`, `mqtts://...`). Default: the embedded broker. */
  url: mqttUrlSchema.optional(),
  ...secretRef,
  /** Client id of the gateway's session; keep it stable so the broker keeps the persistent session. */
  client_id: z.string().min(1).max(64).default('coldpool-gateway'),
  /** Subscription QoS. */
  qos: qosLevel.default(1),
  /** Retained messages: `source_time` keeps them only with a timestamp in the payload; `skip` drops them. */
  retained: z.enum(['source_time', 'skip']).default('source_time'),
  /** Wildcard subscriptions that map many topics to devices. */
  subscriptions: z.array(subscriptionSchema).default([]),
  /**
   * Extra filters subscribed only to find publishers on topics no device maps, such as a sensor set up
   * with the wrong topic. Each such message is counted and logged as an unknown topic.
   */
  watch_topics: z.array(z.string().min(1)).default([]),
  republish: republish.prefault({}),
});

/** `http://host:8086/database`; the database is created when missing. */
export const influxUrlSchema = z
  .string()
  .regex(
    /^https?:\/\/[^/\s]+\/[A-Za-z0-9_.-]+\/?$/,
    'must be http(s)://host:port/database, without a query string (set username and password_env or password_file for credentials)',
  )
  .refine(
    (url) => !/^https?:\/\/[^/]*@/.test(url),
    'must not carry credentials, which would reach logs; set username and password_env or password_file',
  );

const influxSchema = z.strictObject({
  url: influxUrlSchema,
  ...secretRef,
  /** Lines per write request. */
  batch_size: z.number().int().min(1).max(100000).default(5000),
  /** Largest write request body, in bytes. */
  max_batch_bytes: z.number().int().min(1024).default(4_000_000),
  /**
   * Milliseconds between flushes of a partly filled batch, for the InfluxDB output without the durable
   * queue (`InfluxOutput`). Behind the queue, as `coldpool run` writes, a page is sent once it is committed.
   */
  flush_interval_ms: z.number().int().min(10).max(600000).default(1000),
  /** Milliseconds to wait for the reply to a write, and for the reply to a history query of the API. */
  timeout_ms: z.number().int().min(100).max(600000).default(10000),
  /** Write requests sent before the reply to the first: the next page is on its way while InfluxDB stores one. */
  writes_in_flight: z.number().int().min(1).max(8).default(2),
  /**
   * Send writes from a worker thread, so replies are read while the main thread is busy with MQTT. Off
   * saves the worker's memory (about 18 MiB) but lowers the rate the output keeps up with under heavy load.
   */
  worker_thread: z.boolean().default(true),
});

const localStoreSchema = z.strictObject({
  /** Keep recent history in an embedded SQLite database. */
  enabled: z.boolean().default(true),
  /** Database file. */
  path: z.string().min(1).default('data/coldpool.db'),
  /** Days of history kept. */
  retention_days: z.number().positive().max(3650).default(30),
});

const httpSchema = z.strictObject({
  /** Serve the HTTP API and the dashboard. */
  enabled: z.boolean().default(false),
  /** Listen address; anything but loopback needs authentication. */
  host: hostSchema.default('127.0.0.1'),
  /** Listen port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
  /** A device with no reading for this long is shown as offline, in milliseconds. */
  stale_after_ms: z.number().int().min(1000).default(60_000),
  /** Users and tokens with roles (viewer, operator, admin); required to listen beyond loopback. */
  auth: httpAuthSchema.optional(),
  /**
   * Host names by which browsers may open the API and the dashboard, besides IP addresses and
   * `localhost`; `*` allows any name. Requests naming another host get 403 (DNS rebinding).
   */
  allowed_hosts: z
    .array(
      z
        .string()
        .regex(
          /^(\*|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?)$/,
          'must be a host name such as coldstore-gw.local, without scheme or port, or *',
        ),
    )
    .default([]),
});

const configObject = z.strictObject({
  /** Version of this file's layout. */
  version: z.literal(1).default(1),
  /** Default `site` tag of every device. */
  site: z.string().min(1).default('default'),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /**
   * Seconds a device's own timestamp may run ahead of the receive time before it is distrusted and the
   * receive time used instead. Raise it for simulators on an accelerated clock.
   */
  max_clock_skew_s: z.number().min(0).default(300),
  mqtt: mqttSchema.prefault({}),
  /** Profiles defined in this file, by name; they add to and override the built-in ones. */
  profiles: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), profileSchema).default({}),
  /** RS-485 buses for Modbus RTU devices. */
  buses: z.array(busSchema).default([]),
  devices: z.array(deviceSchema).default([]),
  http: httpSchema.prefault({}),
  /** Cold-chain monitoring: assets and their temperature classes, alarm rules, records, notifications. */
  alarms: alarmConfigSchema.prefault({}),
  /** Off-peak sharing scheduler: pooled delivery rounds on node-cron schedules. */
  planning: planningConfigSchema.prefault({}),
  outputs: z
    .strictObject({
      influx: influxSchema.optional(),
      local_store: localStoreSchema.prefault({}),
      /** Durable store-and-forward queue between the pipeline and every output. */
      queue: queueConfigSchema.prefault({}),
    })
    .prefault({}),
  /**
   * Run this gateway as one node of a cluster: the embedded broker keeps messages, sessions and QoS 1
   * queues in Redis, and the planner runs only on the node that holds the leader lease. Default: no cluster.
   */
  cluster: clusterConfigSchema.optional(),
  /** Forward every reading through the durable queue to a central MQTT broker. Default: no forwarding. */
  upstream: upstreamConfigSchema.optional(),
});

/** The whole config file, with the rules that span several sections. */
export const configSchema = configObject.superRefine((config, ctx) => {
  checkClusterRules(config, ctx);
  checkListenerPorts(config, ctx);
});

export type GatewayConfig = z.infer<typeof configSchema>;
export type InfluxConfig = z.infer<typeof influxSchema>;
