import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../gateway/cluster/cluster-config.js';

describe('parseClusterConfig', () => {
  it('applies the defaults', () => {
    const config = parseClusterConfig({ redis_url: 'redis://127.0.0.1:6379/0', node_id: 'edge-1' });
    expect(config.leader_key).toBe('coldpool:leader:scheduler');
    expect(config.lease_ms).toBe(10_000);
    expect(config.renew_ms).toBe(3000);
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
