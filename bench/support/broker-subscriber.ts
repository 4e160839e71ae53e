/**
 * Subscriber side of the broker benchmark: counts messages under a topic filter and records the latency of
 * each from the `"ts":` stamp in its payload (the publisher's wall-clock send time, ms) to its arrival.
 */
import { RawMqttClient } from './raw-mqtt.js';

const TS_KEY = Buffer.from('"ts":');

/** Reads the integer after `"ts":` in a JSON payload without parsing the whole document; -1 when absent. */
function stampOf(payload: Buffer): number {
  const at = payload.indexOf(TS_KEY);
  if (at === -1) return -1;
  let value = 0;
  for (let index = at + TS_KEY.length; index < payload.length; index++) {
    const digit = (payload[index] as number) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/** A connected subscriber; `received` and `latencies_ms` grow as messages arrive. */
export class CountingSubscriber {
  received = 0;
  readonly latencies_ms: number[] = [];
  firstArrival = 0;
  lastArrival = 0;

  private constructor(private readonly client: RawMqttClient) {}

  /** Connects, subscribes to `filter` at `qos`, and starts counting. */
  static async start(host: string, port: number, filter: string, qos: 0 | 1): Promise<CountingSubscriber> {
    let subscriber: CountingSubscriber | undefined;
    const client = await RawMqttClient.connect(host, port, `bench-sub-${process.pid}`, {
      onMessage: ({ payload }) => subscriber?.count(payload),
    });
    subscriber = new CountingSubscriber(client);
    await client.subscribe(filter, qos);
    return subscriber;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private count(payload: Buffer): void {
    this.received++;
    this.lastArrival = Date.now();
    if (this.received === 1) this.firstArrival = this.lastArrival;
    // Every 10th message is enough for the percentiles and keeps the array small.
    if (this.received % 10 === 0) {
      const stamp = stampOf(payload);
      if (stamp > 0) this.latencies_ms.push(this.lastArrival - stamp);
    }
  }
}
