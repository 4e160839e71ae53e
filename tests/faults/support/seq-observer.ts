/**
 * Records the `seq` of every message the simulators published, by subscribing to their topics with its
 * own persistent QoS 1 session. What the broker accepted from a device is what the device sent.
 */
import { connectAsync, type MqttClient } from 'mqtt';

/** Sequence numbers seen per device id. */
export class SeqObserver {
  readonly sent = new Map<string, Set<number>>();
  private client: MqttClient | undefined;

  /** Connects and subscribes; `topics` maps each topic to its device id. */
  async start(url: string, topics: ReadonlyMap<string, string>): Promise<void> {
    const client = await connectAsync(url, { clientId: 'fault-seq-observer', clean: false, reconnectPeriod: 200 });
    this.client = client;
    client.on('message', (topic, payload) => {
      const device = topics.get(topic);
      if (device === undefined) return;
      const seq = (JSON.parse(payload.toString('utf8')) as { seq?: unknown }).seq;
      if (typeof seq !== 'number') return;
      let seen = this.sent.get(device);
      if (seen === undefined) {
        seen = new Set();
        this.sent.set(device, seen);
      }
      seen.add(seq);
    });
    await client.subscribeAsync([...topics.keys()], { qos: 1 });
  }

  /**
   * Forgets what was seen so far. Called once the gateway has subscribed: messages published before
   * that reached no session of the gateway, so they are not counted as sent to it.
   */
  reset(): void {
    this.sent.clear();
  }

  /** Total messages seen. */
  total(): number {
    let count = 0;
    for (const seen of this.sent.values()) count += seen.size;
    return count;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
  }
}
