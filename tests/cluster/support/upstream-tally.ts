/**
 * Counts the readings that reach the central broker, by device and sequence number, so the cluster test
 * can tell repeated deliveries (duplicates) apart from readings stored once.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { decodeBatch } from '../../../gateway/upstream/upstream-message.js';

/** A subscriber on the central broker with its counts. */
export interface UpstreamTally {
  /** Deliveries of each `<device>#<seq>` of the measurement. */
  readonly deliveries: Map<string, number>;
  /** Deliveries beyond the first of every reading. */
  duplicates(): number;
  stop(): Promise<void>;
}

/** Subscribes to `<prefix>/+/+/readings` at QoS 1 and counts the readings of `measurement`. */
export async function startUpstreamTally(url: string, prefix: string, measurement: string): Promise<UpstreamTally> {
  const client: MqttClient = await connectAsync(url, { clientId: 'cluster-test-tally', clean: true });
  const deliveries = new Map<string, number>();
  client.on('message', (_topic, payload) => {
    for (const reading of decodeBatch(payload).readings) {
      if (reading.measurement !== measurement) continue;
      const key = `${reading.tags.device}#${reading.sequence}`;
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
    }
  });
  await client.subscribeAsync(`${prefix}/+/+/readings`, { qos: 1 });
  return {
    deliveries,
    duplicates() {
      let extra = 0;
      for (const count of deliveries.values()) extra += count - 1;
      return extra;
    },
    async stop() {
      await client.endAsync();
    },
  };
}
