import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { connect } from 'mqtt';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/schema.js';
import { InfluxOutput } from './outputs/influx-output.js';
import { LocalStore } from './outputs/local-store.js';
import { MqttRepublish } from './outputs/mqtt-republish.js';
import type { Output } from './outputs/output.js';
import { readSecret } from './secrets.js';

export interface NamedOutput {
  name: 'influx' | 'local_store' | 'mqtt_republish';
  output: Output;
}

/** Builds and starts the storage outputs (local store, InfluxDB). */
export async function startOutputs(config: GatewayConfig, log: Logger): Promise<NamedOutput[]> {
  const outputs: NamedOutput[] = [];
  const store = config.outputs.local_store;
  if (store.enabled) {
    mkdirSync(dirname(store.path), { recursive: true });
    outputs.push({
      name: 'local_store',
      output: new LocalStore({ path: store.path, retention_days: store.retention_days }),
    });
  }
  const influx = config.outputs.influx;
  if (influx) {
    const password = readSecret(influx, 'outputs.influx');
    const output = new InfluxOutput({
      url: influx.url,
      ...(influx.username !== undefined ? { username: influx.username } : {}),
      ...(password !== undefined ? { password } : {}),
      batch_size: influx.batch_size,
      max_batch_bytes: influx.max_batch_bytes,
      flush_interval_ms: influx.flush_interval_ms,
      timeout_ms: influx.timeout_ms,
    });
    output.on('write_error', ({ error, attempt }: { error: Error; attempt: number }) =>
      log.warn({ err: error.message, attempt }, 'influxdb write failed; retrying'),
    );
    output.on('rejected', ({ count, reason }: { count: number; reason: string }) =>
      log.warn({ count, reason }, 'influxdb rejected points; they are not retried'),
    );
    output.on('dropped', ({ count, reason }: { count: number; reason: string }) =>
      log.warn({ count, reason }, 'influxdb points dropped'),
    );
    outputs.push({ name: 'influx', output });
  }
  for (const { name, output } of outputs) {
    await output.start();
    log.info({ output: name }, 'output started');
  }
  return outputs;
}

/**
 * Builds the republish output. It needs the broker, which starts after the storage outputs, so its client
 * connects on `start()`, called once the broker is up.
 */
export function createRepublish(config: GatewayConfig, brokerUrl: () => string | undefined, log: Logger): NamedOutput {
  let inner: MqttRepublish | undefined;
  let client: ReturnType<typeof connect> | undefined;
  const settings = config.mqtt.republish;
  const output: Output = {
    async start() {
      const url = brokerUrl();
      if (!url) return;
      const password = readSecret(config.mqtt, 'mqtt');
      client = connect(url, {
        clientId: `${config.mqtt.client_id}-republish`,
        ...(config.mqtt.username !== undefined ? { username: config.mqtt.username } : {}),
        ...(password !== undefined ? { password } : {}),
        reconnectPeriod: 2000,
      });
      client.on('error', (error) => log.warn({ err: error.message }, 'republish client error'));
      inner = new MqttRepublish({ client, topic_prefix: settings.topic_prefix, qos: settings.qos });
      await inner.start();
    },
    write(readings) {
      inner?.write(readings);
    },
    async flush() {
      await inner?.flush();
    },
    async stop() {
      await inner?.stop();
      await client?.endAsync();
    },
    stats() {
      return inner?.stats() ?? { written: 0, rejected: 0, dropped: 0, write_errors: 0, pending: 0 };
    },
  };
  return { name: 'mqtt_republish', output };
}

/** Stops every output, flushing what each accepted; one failing output does not keep the others open. */
export async function stopOutputs(outputs: readonly NamedOutput[], log: Logger): Promise<void> {
  for (const { name, output } of outputs) {
    try {
      await output.stop();
      log.info({ output: name, ...output.stats() }, 'output stopped');
    } catch (error) {
      log.error({ output: name, err: (error as Error).message }, 'output failed to stop cleanly');
    }
  }
}
