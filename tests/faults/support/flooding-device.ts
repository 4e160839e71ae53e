/** A simulated device that floods the gateway's embedded broker with QoS 1 readings. */
import { connect, type MqttClient } from 'mqtt';

/** A device that publishes QoS 1 readings as fast as its window allows and records what was acknowledged. */
export class FloodingDevice {
  readonly acknowledged = new Set<number>();
  private client: MqttClient | undefined;
  private seq = 0;
  private running = true;

  constructor(
    readonly id: string,
    private readonly url: string,
    /** First topic level; the device publishes to `<prefix>/<id>/state`. */
    private readonly topic_prefix = 'stop',
  ) {}

  /** Connects again every 50 ms while the gateway is down, so it also publishes during the start. */
  start(): void {
    this.client = connect(this.url, { clientId: this.id, reconnectPeriod: 50, connectTimeout: 2000 });
    this.client.on('connect', () => this.pump());
  }

  stop(): void {
    this.running = false;
    this.client?.end(true);
  }

  private pump(): void {
    const client = this.client;
    if (client === undefined) return;
    // 200 messages at a time; each PUBACK sends one more, so a stop always catches messages in flight.
    for (let window = 0; window < 200; window++) this.publishNext(client);
  }

  private publishNext(client: MqttClient): void {
    if (!this.running || !client.connected) return;
    this.seq += 1;
    const seq = this.seq;
    const payload = `{"seq":${seq},"ts":${1_764_864_000_000 + seq},"temp_c":3.5}`;
    client.publish(`${this.topic_prefix}/${this.id}/state`, payload, { qos: 1 }, (error) => {
      if (error) return;
      this.acknowledged.add(seq);
      this.publishNext(client);
    });
  }
}
