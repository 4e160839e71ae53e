/**
 * Builds the `upstream` queue sink from the gateway config: an `UpstreamOutput` behind `OutputSink`, so
 * the durable queue acknowledges a page only after the central broker returned a PUBACK for every
 * message of it (MQTT 3.1.1 section 4.3.2, QoS 1 delivery).
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.js';
import { OutputSink } from '../outputs/output-sink.js';
import { readSecret } from '../secrets.js';
import { UpstreamOutput } from './upstream-output.js';

/** Name of the upstream output, as used for its queue cursor, logs and self-metrics. */
export const UPSTREAM_OUTPUT = 'upstream';

/** Returns the node name in upstream topics: `cluster.node_id`, or `mqtt.client_id` without a cluster. */
export function upstreamNodeId(config: GatewayConfig): string {
  return config.cluster?.node_id ?? config.mqtt.client_id;
}

/** Returns the sink for `config.upstream`, or undefined when the section is absent. Throws `SecretError`. */
export function upstreamSink(config: GatewayConfig, log: Logger): OutputSink | undefined {
  const upstream = config.upstream;
  if (upstream === undefined) return undefined;
  const node_id = upstreamNodeId(config);
  const password = readSecret(upstream, 'upstream');
  const output = new UpstreamOutput({
    url: upstream.url,
    client_id: upstream.client_id ?? `coldpool-${config.site}-${node_id}`,
    topic_prefix: upstream.topic_prefix,
    site: config.site,
    node_id,
    max_readings_per_message: upstream.max_readings_per_message,
    ...(upstream.username !== undefined ? { username: upstream.username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
  output.on('connect', () => log.info({ output: UPSTREAM_OUTPUT, url: upstream.url }, 'upstream broker connected'));
  output.on('offline', () =>
    log.warn({ output: UPSTREAM_OUTPUT, url: upstream.url }, 'upstream broker offline; readings stay queued'),
  );
  output.on('error', (error: Error) =>
    log.warn({ output: UPSTREAM_OUTPUT, err: error.message }, 'upstream broker connection error'),
  );
  return new OutputSink(UPSTREAM_OUTPUT, output);
}
