/** The `cluster` config section: several gateway processes sharing one broker cluster and one planner. */
import { z } from 'zod';

export const clusterConfigSchema = z
  .strictObject({
    /** Redis server shared by the nodes, `redis://[user:password@]host:6379/0`. Required. */
    // NOTE: unlike mqtt.url and upstream.url, this URL may carry the password, because the cluster section
    // has no password_env or password_file yet. Logs and the audit trail show it masked.
    redis_url: z.string().regex(/^redis:\/\/[^\s]+$/, 'must be a redis:// URL (rediss:// with TLS is not supported)'),
    /**
     * Name of this gateway process, unique in the cluster. It is the broker id, the prefix of the leader
     * token, and the suffix `-<node_id>` of the gateway's MQTT client ids, because sessions are shared by
     * the whole cluster. Keep it across restarts so the node finds its sessions again. Required.
     */
    node_id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
    /** Redis key of the planner lease; one leader per key, so use one key per county. Default `coldpool:leader:scheduler`. */
    leader_key: z.string().min(1).default('coldpool:leader:scheduler'),
    /** Lease time of the leader key, in milliseconds; a dead leader is replaced after at most this long plus `renew_ms`. Default 10000. */
    lease_ms: z.number().int().min(1000).max(600_000).default(10_000),
    /** Interval between lease renewals (leader) or acquisition attempts (followers), in milliseconds. Default 3000. */
    renew_ms: z.number().int().min(100).max(300_000).default(3000),
    /** Maximum offline QoS 1 messages a broker node sends a reconnecting persistent session. Default 100000. */
    max_session_delivery: z.number().int().min(1).default(100_000),
  })
  .superRefine((config, ctx) => {
    if (config.renew_ms * 2 > config.lease_ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['renew_ms'],
        message: `must be at most half of lease_ms ${config.lease_ms}, so one failed renewal does not lose the lease; lower renew_ms or raise lease_ms`,
        input: config.renew_ms,
      });
    }
  });

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** Returns the settings with defaults applied; throws a `ZodError` naming the invalid key. */
export function parseClusterConfig(input: unknown): ClusterConfig {
  return clusterConfigSchema.parse(input);
}

/** The parts of the gateway config that the cluster rules read. */
export interface ClusterRuleInput {
  cluster?: ClusterConfig | undefined;
  mqtt: { url?: string | undefined; broker: { enabled: boolean } };
}

/**
 * Checks the keys that a cluster node depends on: it runs the embedded broker as a node of the Redis
 * cluster, so an external broker or a disabled broker leaves nothing to cluster.
 */
export function checkClusterRules(config: ClusterRuleInput, ctx: z.RefinementCtx): void {
  if (config.cluster === undefined) return;
  if (config.mqtt.url !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['mqtt', 'url'],
      message: 'cannot be set together with cluster: a cluster node runs the embedded broker; remove mqtt.url',
      input: config.mqtt.url,
    });
  }
  if (!config.mqtt.broker.enabled) {
    ctx.addIssue({
      code: 'custom',
      path: ['mqtt', 'broker', 'enabled'],
      message: 'must be true with cluster, because the embedded broker is the cluster node; set it to true',
      input: false,
    });
  }
}
