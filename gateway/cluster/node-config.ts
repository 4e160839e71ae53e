/** Adjustments of a gateway config for a cluster node. */
import type { ResolvedConfig } from '../config/resolve.js';

/**
 * Returns the config with `-<cluster.node_id>` appended to `mqtt.client_id`, or the config itself without
 * a cluster. The broker cluster shares sessions between all nodes through Redis, so two nodes with one
 * client id would take over each other's session. The suffix keeps the input, control and republish
 * sessions of each node apart, and stable across restarts.
 */
export function nodeScopedConfig(resolved: ResolvedConfig): ResolvedConfig {
  const cluster = resolved.config.cluster;
  if (cluster === undefined) return resolved;
  const mqtt = { ...resolved.config.mqtt, client_id: `${resolved.config.mqtt.client_id}-${cluster.node_id}` };
  return { ...resolved, config: { ...resolved.config, mqtt } };
}
