/**
 * Builds the MQTT republish output with its own client. The client connects on `start()`, which runs
 * once the broker is up (the embedded broker starts after the storage outputs).
 */
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.js';
import { logConnectionState } from '../mqtt-connection-log.js';
import type { MqttCredentials } from '../mqtt-credentials.js';
import { MqttRepublish } from './mqtt-republish.js';
import type { Output } from './output.js';

/** Returns an `Output` that publishes to the broker `brokerUrl()` returns at start; none when it returns undefined. */
export function createRepublishOutput(
  config: GatewayConfig,
  brokerUrl: () => string | undefined,
  log: Logger,
  credentials: MqttCredentials,
): Output {
  let inner: MqttRepublish | undefined;
  let client: MqttClient | undefined;
  const settings = config.mqtt.republish;
  return {
    async start() {
      const url = brokerUrl();
      if (!url) return;
      client = connect(url, {
        clientId: `${config.mqtt.client_id}-republish`,
        ...credentials,
        reconnectPeriod: 2000,
      });
      logConnectionState(client, log, {
        name: 'republish client',
        url,
        ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      });
      // Only the embedded broker's limit is known; an external broker applies its own.
      const embedded = config.mqtt.url === undefined && config.mqtt.broker.enabled;
      inner = new MqttRepublish({
        client,
        topic_prefix: settings.topic_prefix,
        qos: settings.qos,
        ...(embedded ? { max_payload_bytes: config.mqtt.broker.max_payload_bytes } : {}),
      });
      inner.on('write_error', ({ error }: { error: Error }) =>
        log.warn({ err: error.message }, 'republish failed; the points stay queued and are published again'),
      );
      await inner.start();
    },
    write(readings) {
      inner?.write(readings);
    },
    async flush() {
      await inner?.flush();
    },
    async stop(timeout_ms?: number) {
      await inner?.stop(timeout_ms);
      // Forced: messages still unacknowledged after the output's own stop timeout stay queued and are
      // sent again after a restart. The embedded broker withholds PUBACKs once the input has stopped, so
      // an unforced end would wait for them forever.
      await client?.endAsync(true);
    },
    stats() {
      return inner?.stats() ?? { written: 0, rejected: 0, dropped: 0, write_errors: 0, pending: 0 };
    },
  };
}
