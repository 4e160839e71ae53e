/** The `cluster` config section: several gateway processes sharing one broker cluster and one scheduler. */
import { z } from 'zod';

export const clusterConfigSchema = z.strictObject({
  /** Redis server shared by the nodes, `redis://host:6379/0`. Required. */
  redis_url: z.string().regex(/^redis:\/\/[^\s]+$/, 'must be a redis:// URL (TLS is not supported yet)'),
  /** Name of this gateway process, unique in the cluster; used as broker id and leader token prefix. Required. */
  node_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
  /** Redis key of the scheduler lease; one leader per key, so use one key per county. Default `coldpool:leader:scheduler`. */
  leader_key: z.string().min(1).default('coldpool:leader:scheduler'),
  /** Lease time of the leader key, in milliseconds; a dead leader is replaced after at most this long. Default 10000. */
  lease_ms: z.number().int().min(1000).max(600_000).default(10_000),
  /** Interval between lease renewals (leader) or acquisition attempts (followers), in milliseconds. Default 3000. */
  renew_ms: z.number().int().min(100).max(300_000).default(3000),
  /** Maximum offline QoS 1 messages a broker node sends a reconnecting persistent session. Default 100000. */
  max_session_delivery: z.number().int().min(1).default(100_000),
});

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** Returns the settings with defaults applied; throws a `ZodError` naming the invalid key. */
export function parseClusterConfig(input: unknown): ClusterConfig {
  const config = clusterConfigSchema.parse(input);
  if (config.renew_ms * 2 > config.lease_ms) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['renew_ms'],
        message: `renew_ms ${config.renew_ms} must be at most half of lease_ms ${config.lease_ms}, so one failed renewal does not lose the lease`,
        input: config.renew_ms,
      },
    ]);
  }
  return config;
}
