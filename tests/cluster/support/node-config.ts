/** Config of one `coldpool run` cluster node in the cluster integration test, as plain data. */
import { join } from 'node:path';

/** Values that differ between the nodes and the test runs. */
export interface NodeConfigInput {
  node_id: string;
  /** Folder of this node's files (queue, local store, plans, records); kept across a restart. */
  dir: string;
  /** Port of this node's broker. */
  broker_port: number;
  redis_url: string;
  /** Central broker URL. */
  upstream_url: string;
  upstream_prefix: string;
  /** Lease of the planner, in milliseconds; renewals run every quarter of it. */
  lease_ms: number;
}

/**
 * Returns the config of one node. Each node subscribes to its own devices, `rooms/<node_id>/<device>/state`,
 * because every subscriber of a topic gets every message in the broker cluster. The planner runs a round
 * every 2 seconds (node-cron with a seconds field) so rounds run both before and after a kill.
 */
export function nodeConfig(input: NodeConfigInput): Record<string, unknown> {
  return {
    site: 'county-a',
    log_level: 'info',
    mqtt: {
      broker: { port: input.broker_port },
      republish: { enabled: false },
      subscriptions: [
        { topic: `rooms/${input.node_id}/+/state`, device_id_segment: 2, profile: 'coldpool-room-celsius' },
      ],
    },
    outputs: { local_store: { path: join(input.dir, 'store.db') } },
    alarms: { store_path: join(input.dir, 'records.db') },
    planning: {
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      schedules: [{ name: 'replan', cron: '*/2 * * * * *' }],
      store_path: join(input.dir, 'plans.db'),
      time_limit_s: 0.5,
    },
    cluster: {
      redis_url: input.redis_url,
      node_id: input.node_id,
      lease_ms: input.lease_ms,
      renew_ms: input.lease_ms / 4,
    },
    upstream: { url: input.upstream_url, topic_prefix: input.upstream_prefix },
  };
}
