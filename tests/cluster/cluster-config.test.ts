import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../gateway/cluster/cluster-config.js';
import { nodeScopedConfig } from '../../gateway/cluster/node-config.js';
import { parseConfig } from '../../gateway/config/load.js';
import { problemsOf } from '../gateway/config/config-problems.js';

const CLUSTER = 'cluster: { redis_url: redis://127.0.0.1:6379/0, node_id: edge-1 }\n';

describe('parseClusterConfig', () => {
  it('applies the defaults', () => {
    const config = parseClusterConfig({ redis_url: 'redis://127.0.0.1:6379/0', node_id: 'edge-1' });
    expect(config.leader_key).toBe('coldpool:leader:scheduler');
    expect(config.lease_ms).toBe(10_000);
    expect(config.renew_ms).toBe(3000);
    expect(config.max_session_delivery).toBe(100_000);
  });

  it('rejects a non-redis url', () => {
    expect(() => parseClusterConfig({ redis_url: 'http://127.0.0.1:6379', node_id: 'edge-1' })).toThrow(/redis:\/\//);
  });

  it('rejects a node id with spaces', () => {
    expect(() => parseClusterConfig({ redis_url: 'redis://127.0.0.1', node_id: 'edge 1' })).toThrow(/node_id|letters/);
  });

  it('rejects renewal over half the lease', () => {
    expect(() =>
      parseClusterConfig({ redis_url: 'redis://127.0.0.1', node_id: 'a', lease_ms: 4000, renew_ms: 2500 }),
    ).toThrow(/at most half/);
  });
});

describe('cluster and upstream config sections', () => {
  it('leaves both sections off by default', () => {
    const { config } = parseConfig('version: 1\n', 'minimal.yaml');
    expect(config.cluster).toBeUndefined();
    expect(config.upstream).toBeUndefined();
  });

  it('applies the section defaults', () => {
    const { config } = parseConfig(`${CLUSTER}upstream: { url: mqtt://127.0.0.1:1883 }\n`, 'node.yaml');
    expect(config.cluster?.node_id).toBe('edge-1');
    expect(config.cluster?.lease_ms).toBe(10_000);
    expect(config.upstream?.topic_prefix).toBe('coldpool/upstream');
    expect(config.upstream?.max_readings_per_message).toBe(500);
    expect(config.upstream?.client_id).toBeUndefined();
  });

  it('names the cluster key of a bad renewal', () => {
    const problems = problemsOf('cluster: { redis_url: redis://h, node_id: a, lease_ms: 4000, renew_ms: 2500 }\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cluster\.renew_ms: must be at most half of lease_ms 4000/);
  });

  it('suggests a misspelt cluster key', () => {
    const problems = problemsOf('cluster: { redis_url: redis://h, node_id: a, lease_s: 4 }\n');
    expect(problems).toEqual(['cluster.lease_s: unknown key; did you mean "lease_ms"?']);
  });

  it('rejects an external broker with cluster', () => {
    const problems = problemsOf(`${CLUSTER}mqtt: { url: mqtt://127.0.0.1:1883 }\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^mqtt\.url: cannot be set together with cluster/);
  });

  it('rejects a disabled broker with cluster', () => {
    const problems = problemsOf(`${CLUSTER}mqtt: { broker: { enabled: false } }\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^mqtt\.broker\.enabled: must be true with cluster/);
  });

  it('accepts broker tls with cluster', () => {
    const tls = '{ cert_file: cert.pem, key_file: key.pem }';
    const { config } = parseConfig(`${CLUSTER}mqtt: { broker: { tls: ${tls} } }\n`, 'node.yaml');
    expect(config.mqtt.broker.tls?.cert_file).toBe('cert.pem');
    expect(config.mqtt.broker.tls?.host).toBe('127.0.0.1');
  });

  it('rejects an upstream url without mqtt scheme', () => {
    const problems = problemsOf('upstream: { url: http://central:1883 }\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^upstream\.url: /);
  });

  it('rejects a password in the upstream url', () => {
    for (const url of ['mqtt://up:upsecret@127.0.0.1:18832', 'mqtts://central:8883/?password=upsecret']) {
      const problems = problemsOf(`upstream: { url: "${url}" }\n`);
      expect(problems).toEqual([
        'upstream.url: must not carry a password, which would reach logs and the audit trail; set username and password_env or password_file',
      ]);
      expect(problems.join(' ')).not.toContain('upsecret');
    }
    expect(problemsOf('upstream: { url: "mqtt://up@127.0.0.1:18832", password_env: UP_PASSWORD }\n')).toEqual([]);
  });

  it('rejects a wildcard upstream topic prefix', () => {
    const problems = problemsOf('upstream: { url: mqtt://central:1883, topic_prefix: county/+ }\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^upstream\.topic_prefix: /);
  });
});

describe('nodeScopedConfig', () => {
  it('appends the node id to the client id', () => {
    const resolved = nodeScopedConfig(parseConfig(CLUSTER, 'node.yaml'));
    expect(resolved.config.mqtt.client_id).toBe('coldpool-gateway-edge-1');
  });

  it('keeps the client id without cluster', () => {
    const resolved = nodeScopedConfig(parseConfig('version: 1\n', 'minimal.yaml'));
    expect(resolved.config.mqtt.client_id).toBe('coldpool-gateway');
  });
});
