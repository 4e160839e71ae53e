import { describe, expect, it } from 'vitest';
import { auditedConfig } from '../../gateway/cold-chain.js';
import { parseConfig } from '../../gateway/config/load.js';

describe('audited config', () => {
  it('masks url passwords', () => {
    const resolved = parseConfig(
      [
        'site: s',
        'cluster: { node_id: n1, redis_url: "redis://:redis-secret-9@127.0.0.1:6379" }',
        'outputs: { influx: { url: "http://127.0.0.1:8086/db", password_env: INFLUX_PASSWORD } }',
      ].join('\n'),
      'test.yaml',
    );
    const text = JSON.stringify(auditedConfig(resolved.config));
    expect(text).not.toContain('redis-secret-9');
    expect(text).toContain('redis://:***@127.0.0.1:6379');
    expect(text).not.toContain('INFLUX_PASSWORD');
  });
});
