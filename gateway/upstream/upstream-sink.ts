/**
 * Builds the `upstream` queue sink from the gateway config: an `UpstreamOutput` behind `OutputSink`, so
 * the durable queue acknowledges a page only after the central broker returned a PUBACK for every
 * message of it (MQTT 3.1.1 section 4.3.2, QoS 1 delivery).
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.js';
import { logConnectionState } from '../mqtt-connection-log.js';
import { OutputSink } from '../outputs/output-sink.js';
import { passwordSetting, readSecret, redactUrlText } from '../secrets.js';
import { UpstreamOutput } from './upstream-output.js';

/** Name of the upstream output, as used for its queue cursor, logs and self-metrics. */
export const UPSTREAM_OUTPUT = 'upstream';

/** Returns the node name in upstream topics: `cluster.node_id`, or `mqtt.client_id` without a cluster. */
export function upstreamNodeId(config: GatewayConfig): string {
  return config.cluster?.node_id ?? config.mqtt.client_id;
}

/**
 * Returns the sink for `config.upstream`, or undefined when the section is absent. Throws `SecretError`.
 * Connection errors are logged at most once a minute per kind (unreachable, refused), as for the
 * gateway's other MQTT clients. The line of a refusal names the settings to check.
 */
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
  const outputLog = log.child({ output: UPSTREAM_OUTPUT });
  const url = redactUrlText(upstream.url);
  // Later connections are logged as `upstream output reconnected`, with the failed attempts and the outage.
  output.once('connect', () => outputLog.info({ url }, 'upstream broker connected'));
  output.on('offline', () => outputLog.warn({ url }, 'upstream broker offline; readings stay queued'));
  const password_key = passwordSetting(upstream, 'upstream');
  logConnectionState(output, outputLog, {
    name: 'upstream output',
    url: upstream.url,
    ...(password !== undefined ? { password } : {}),
    refused: { section: 'upstream', retries: true, ...(password_key !== undefined ? { password_key } : {}) },
    retry_delay_ms: () => output.retryDelayMs,
  });
  return new OutputSink(UPSTREAM_OUTPUT, output);
}
