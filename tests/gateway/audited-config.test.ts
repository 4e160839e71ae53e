import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditTrail } from '../../gateway/audit/audit-trail.js';
import { recordConfigChange } from '../../gateway/audit/config-audit.js';
import { openRecordsDatabase } from '../../gateway/audit/records-database.js';
import { auditedConfig } from '../../gateway/cold-chain.js';
import { parseConfig } from '../../gateway/config/load.js';
import {
  CREDENTIAL_HASH_KEYS,
  credentialFingerprint,
  maskConfigSecrets,
  SECRET_REFERENCE_KEYS,
} from '../../gateway/config/mask-secrets.js';
import { configSchema } from '../../gateway/config/schema.js';
import { hashPassword } from '../../gateway/security/password-hash.js';

const cheap = { ln: 10, r: 8, p: 1 };
const TOKEN_SHA256 = 'b'.repeat(64);
let hashA: string;
let hashB: string;

beforeAll(async () => {
  hashA = await hashPassword('pw-a', cheap);
  hashB = await hashPassword('pw-b', cheap);
});

/** Builds a config with every kind of credential the schema takes. */
function configWithCredentials(httpHash: string, mqttHash: string) {
  return parseConfig(
    JSON.stringify({
      site: 's',
      cluster: { node_id: 'n1', redis_url: 'redis://:redis-secret-9@127.0.0.1:6379' },
      mqtt: {
        password_file: '/etc/coldpool/mqtt-password',
        broker: { auth: { users: [{ username: 'room-1', password_hash: mqttHash }] } },
      },
      http: {
        auth: {
          users: [{ username: 'ada', password_hash: httpHash, role: 'admin' }],
          tokens: [{ name: 'erp', token_sha256: TOKEN_SHA256, role: 'viewer', expires_at: '2099-01-01T00:00:00Z' }],
        },
      },
      alarms: {
        notify: { webhooks: [{ url: 'https://hooks.example/alarm?token=hook-secret-3', secret_env: 'HOOK_KEY' }] },
      },
      outputs: { influx: { url: 'http://127.0.0.1:8086/db', username: 'gw', password_env: 'INFLUX_PASSWORD' } },
      upstream: { url: 'mqtt://127.0.0.1:1883', password_env: 'UPSTREAM_PASSWORD' },
    }),
    'test.yaml',
  ).config;
}

/** Collects every property name in the JSON Schema of the gateway config. */
function schemaKeys(): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const each of node) walk(each);
      return;
    }
    const properties = (node as { properties?: object }).properties;
    if (properties !== undefined) for (const key of Object.keys(properties)) keys.add(key);
    for (const each of Object.values(node)) walk(each);
  };
  walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }));
  return keys;
}

describe('audited config', () => {
  it('masks url passwords', () => {
    const config = configWithCredentials(hashA, hashA);
    const text = JSON.stringify(auditedConfig(config));
    expect(text).not.toContain('redis-secret-9');
    expect(text).toContain('redis://:***@127.0.0.1:6379');
    expect(text).not.toContain('hook-secret-3');
  });

  it('masks secret references as [set]', () => {
    const config = configWithCredentials(hashA, hashA);
    const masked = auditedConfig(config) as typeof config;
    expect(masked.outputs.influx?.password_env).toBe('[set]');
    expect(masked.mqtt.password_file).toBe('[set]');
    expect(masked.upstream?.password_env).toBe('[set]');
    expect(masked.alarms.notify.webhooks[0]?.secret_env).toBe('[set]');
    expect(masked.outputs.influx?.username).toBe('gw');
  });

  it('replaces password and token hashes', () => {
    const httpHash = hashA;
    const mqttHash = hashB;
    const masked = auditedConfig(configWithCredentials(httpHash, mqttHash)) as ReturnType<typeof configWithCredentials>;
    const text = JSON.stringify(masked);
    expect(text).not.toContain('$scrypt$');
    expect(text).not.toContain(TOKEN_SHA256);
    expect(masked.http.auth?.users[0]?.password_hash).toBe(credentialFingerprint(httpHash));
    expect(masked.mqtt.broker.auth?.users[0]?.password_hash).toBe(credentialFingerprint(mqttHash));
    expect(masked.http.auth?.tokens[0]?.token_sha256).toBe(credentialFingerprint(TOKEN_SHA256));
    expect(masked.http.auth?.tokens[0]?.name).toBe('erp');
  });

  it('fingerprints differ per hash', () => {
    expect(credentialFingerprint('a'.repeat(64))).toMatch(/^\[set [0-9a-f]{8}\]$/);
    expect(credentialFingerprint('a'.repeat(64))).toBe(credentialFingerprint('a'.repeat(64)));
    expect(credentialFingerprint('a'.repeat(64))).not.toBe(credentialFingerprint('c'.repeat(64)));
  });

  it('masking twice changes nothing', () => {
    const once = maskConfigSecrets(configWithCredentials(hashA, hashB));
    expect(maskConfigSecrets(once)).toEqual(once);
  });

  it('masks every secret-like schema key', () => {
    // Keys that look like a secret but are not one: an array of token entries, a path to the TLS key
    // (the key itself is never in the config) and the Redis key name of the leader lease.
    const notSecret = new Set(['tokens', 'key_file', 'leader_key']);
    const masked = new Set([...CREDENTIAL_HASH_KEYS, ...SECRET_REFERENCE_KEYS]);
    const secretLike = [...schemaKeys()].filter((key) => /pass|secret|token|hash|key|credential/i.test(key));
    expect(secretLike.length).toBeGreaterThan(0);
    for (const key of secretLike) {
      expect({ key, classified: masked.has(key) || notSecret.has(key) }).toEqual({ key, classified: true });
    }
  });
});

describe('config change record', () => {
  it('stores fingerprints, never hashes', () => {
    const db = openRecordsDatabase(':memory:');
    const trail = new AuditTrail(db);
    const first = hashA;
    const second = hashB;
    const recorded = recordConfigChange(trail, configWithCredentials(first, first), 'gateway', 1_000);
    const unchanged = recordConfigChange(trail, configWithCredentials(first, first), 'gateway', 2_000);
    const changed = recordConfigChange(trail, configWithCredentials(second, first), 'gateway', 3_000);
    const rows = db.prepare('SELECT payload_json FROM audit_log ORDER BY seq').all() as { payload_json: string }[];
    db.close();
    expect(recorded?.seq).toBe(1);
    expect(unchanged).toBeUndefined();
    expect(changed?.seq).toBe(2);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.payload_json).not.toContain('$scrypt$');
      expect(row.payload_json).not.toContain(TOKEN_SHA256);
    }
    expect(rows[0]?.payload_json).toContain(credentialFingerprint(first));
    expect(rows[1]?.payload_json).toContain(credentialFingerprint(second));
  });
});
