/**
 * Config schemas of the security settings, mounted by the gateway config at `mqtt.broker.auth`,
 * `mqtt.broker.tls` and `http.auth`.
 */
import { z } from 'zod';
import { hostSchema } from '../config/host-schema.js';

const PHC_SCRYPT = /^\$scrypt\$ln=\d{1,2},r=\d{1,2},p=\d{1,2}\$[A-Za-z0-9+/]{16,88}\$[A-Za-z0-9+/]{16,88}$/;
const passwordHash = z.string().regex(PHC_SCRYPT, 'must be a scrypt hash printed by `coldpool passwd`');
const userName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^/+#\s]+$/, 'must not contain /, +, # or white space');
const topicPattern = z
  .string()
  .min(1)
  .max(1024)
  .refine((pattern) => pattern.split('/').every((level) => !/[+#]/.test(level) || level.length === 1), {
    message: 'a + or # must fill a whole topic level',
  })
  .refine((pattern) => !pattern.includes('#') || pattern.endsWith('#'), { message: '# must be the last level' });

/** MQTT roles: `device` publishes under its own prefix, `reader` only subscribes, `writer` does both anywhere. */
export const MQTT_ROLES = ['device', 'reader', 'writer'] as const;
export type MqttRole = (typeof MQTT_ROLES)[number];

const topicRules = z.strictObject({
  /** Topic patterns the client may publish to; `%u` is the user name, `%c` the client id. */
  publish: z.array(topicPattern).default([]),
  /** Topic patterns the client may subscribe within; `%u` and `%c` as for `publish`. */
  subscribe: z.array(topicPattern).default([]),
});

export const mqttUserSchema = z.strictObject({
  /** User name in CONNECT, or the common name (CN) of the client certificate. */
  username: userName,
  /** scrypt hash of the password from `coldpool passwd`; without one the user can log in only by certificate. */
  password_hash: passwordHash.optional(),
  /** Role whose topic patterns apply, default `device`. */
  role: z.enum(MQTT_ROLES).default('device'),
  /** Extra topic patterns for this user only, added to the role's patterns. */
  publish: z.array(topicPattern).default([]),
  subscribe: z.array(topicPattern).default([]),
});

/** Content of `users_file`: the same user entries as inline `users`. */
export const mqttUsersFileSchema = z.strictObject({ users: z.array(mqttUserSchema).default([]) });

export const mqttAuthSchema = z.strictObject({
  /** Accept clients that send no user name (and no client certificate), default false. */
  allow_anonymous: z.boolean().default(false),
  /** Role of anonymous clients when `allow_anonymous` is true, default `reader`. */
  anonymous_role: z.enum(MQTT_ROLES).default('reader'),
  /** YAML file with a `users:` list, read at start-up; keeps hashes out of the main config. */
  users_file: z.string().min(1).optional(),
  /** Users written in the config itself. */
  users: z.array(mqttUserSchema).default([]),
  /** Topic patterns of each role. */
  roles: z
    .strictObject({
      device: topicRules.prefault({ publish: ['devices/%u/#'], subscribe: ['commands/%u/#'] }),
      reader: topicRules.prefault({ subscribe: ['#'] }),
      writer: topicRules.prefault({ publish: ['#'], subscribe: ['#'] }),
    })
    .prefault({}),
  /** New connections one source address may open per `connection_window_s`, default 30. */
  max_connections_per_window: z.number().int().min(1).max(100000).default(30),
  /** Window of `max_connections_per_window`, seconds, default 60. */
  connection_window_s: z.number().positive().max(86400).default(60),
  /** Maximum levels in a topic name or subscription filter, default 16. */
  max_topic_levels: z.number().int().min(1).max(100).default(16),
});

export const mqttTlsSchema = z.strictObject({
  /** Address of the TLS listener, default 127.0.0.1. */
  host: hostSchema.default('127.0.0.1'),
  /** Port of the TLS listener, default 8883 (the IANA port for MQTT over TLS); 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(8883),
  /** PEM certificate chain of the broker. */
  cert_file: z.string().min(1),
  /** PEM private key of the broker. */
  key_file: z.string().min(1),
  /** PEM CA certificates that sign client certificates; setting it makes the broker request a certificate from each client. */
  ca_file: z.string().min(1).optional(),
  /** Reject TLS clients without a certificate signed by `ca_file`, default false. */
  require_client_cert: z.boolean().default(false),
});

/** HTTP roles in increasing power: `viewer` reads, `operator` acknowledges alarms and submits orders, `admin` configures. */
export const HTTP_ROLES = ['viewer', 'operator', 'admin'] as const;
export type HttpRole = (typeof HTTP_ROLES)[number];

export const httpUserSchema = z.strictObject({
  username: userName,
  /** scrypt hash of the password from `coldpool passwd`. */
  password_hash: passwordHash,
  role: z.enum(HTTP_ROLES),
});

export const httpTokenSchema = z.strictObject({
  /** Name of the token's holder, shown in the audit record. */
  name: userName,
  /** SHA-256 of the token in hex, printed by `coldpool passwd --token`. */
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  role: z.enum(HTTP_ROLES),
  /** Expiry as an ISO 8601 date-time with offset, such as 2027-06-30T00:00:00Z. */
  expires_at: z.iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time with a time and an offset, such as 2027-06-30T00:00:00Z',
  }),
});

export const httpAuthSchema = z.strictObject({
  users: z.array(httpUserSchema).default([]),
  /** Long-lived bearer tokens for upstream systems. */
  tokens: z.array(httpTokenSchema).default([]),
  /** Lifetime of a session token issued at login, seconds, default 43200 (12 hours). */
  session_ttl_s: z.number().int().min(60).max(2592000).default(43200),
  /**
   * SQLite file of the session records, so logins survive a restart. Default `sessions.db` in the folder
   * of `outputs.local_store.path`, placed by the config loader.
   */
  session_store_path: z.string().min(1).default('data/sessions.db'),
  /** Failed login attempts one source address may make per `login_window_s`, default 5; a successful one is given back. */
  max_logins_per_window: z.number().int().min(1).max(10000).default(5),
  /** Window of `max_logins_per_window`, seconds, default 300. */
  login_window_s: z.number().positive().max(86400).default(300),
  /** Origins allowed to call the API from a browser (CORS), default none. */
  cors_origins: z
    .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin such as https://host:8443'))
    .default([]),
});

export type MqttUserConfig = z.infer<typeof mqttUserSchema>;
export type MqttAuthConfig = z.infer<typeof mqttAuthSchema>;
export type MqttTlsConfig = z.infer<typeof mqttTlsSchema>;
export type HttpAuthConfig = z.infer<typeof httpAuthSchema>;
export type HttpUserConfig = z.infer<typeof httpUserSchema>;
export type HttpTokenConfig = z.infer<typeof httpTokenSchema>;
