/**
 * Forwards normalised readings and alarms to a central MQTT broker, as an `Output` the durable queue
 * feeds (wrap it in `OutputSink`). It publishes at QoS 1 on a persistent session (clean session off, a
 * stable client id), and `flush()` resolves only once the broker has acknowledged every message, so the
 * queue deletes a page only after the central broker has it. A gateway killed mid-page sends that page
 * again after its restart, and the central side overwrites the repeated points (same series and time).
 *
 * A broker that is down is tried again every second. A CONNACK refusal (a wrong password, a user the
 * broker's ACL does not let in) is tried again too, after a wait that doubles from `refusal_retry_ms` up to
 * `max_refusal_retry_ms`: mqtt.js 5 would otherwise stop reconnecting, and the readings would wait in the
 * queue until the gateway restarts, even after the broker's settings were mended.
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { isConnackRefusal } from '../../devices/mqtt/connack-refusal.js';
import type { Output, OutputStats } from '../outputs/output.js';
import type { Reading } from '../reading.js';
import { alarmsTopic, encodeBatch, readingsTopic } from './upstream-message.js';

/** Options of `UpstreamOutput`. */
export interface UpstreamOutputOptions {
  /** Central broker URL, `mqtt://host:1883`. */
  url: string;
  /** Client id of the persistent session; stable and unique per gateway process. */
  client_id: string;
  /** First topic levels. */
  topic_prefix: string;
  /** Site of this gateway, the second topic level. */
  site: string;
  /** Gateway process name, the third topic level and the batch's `node_id`. */
  node_id: string;
  /** Readings per MQTT message. Default 500. */
  max_readings_per_message?: number;
  username?: string;
  password?: string;
  /** Time `stop()` waits for unacknowledged messages, in milliseconds. Default 5000. */
  stop_timeout_ms?: number;
  /** Wait before the attempt after a first CONNACK refusal, in milliseconds; it doubles after each refusal. Default 5000. */
  refusal_retry_ms?: number;
  /** Maximum wait between attempts while the broker keeps rejecting the connection, in milliseconds. Default 60000. */
  max_refusal_retry_ms?: number;
}

/** Wait between attempts while the broker cannot be reached, in milliseconds. */
const RECONNECT_MS = 1000;

/**
 * Output to a central broker. Events: `connect`, `offline`, `error` (Error from the MQTT client, one per
 * failed connection attempt; a refusal is an `ErrorWithReasonCode`).
 */
export class UpstreamOutput extends EventEmitter implements Output {
  private client: MqttClient | undefined;
  /** Wait after the latest refusal, in milliseconds; undefined until the broker refuses, and after a connection. */
  private refusalRetryMs: number | undefined;
  private readonly counters = { written: 0, rejected: 0, dropped: 0, write_errors: 0 };
  private pending = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly readingsTopic: string;

  constructor(private readonly options: UpstreamOutputOptions) {
    super();
    this.readingsTopic = readingsTopic(options.topic_prefix, options.site, options.node_id);
  }

  /** Starts connecting and returns at once; mqtt.js keeps messages published while offline and reconnects. */
  async start(): Promise<void> {
    const clientOptions: IClientOptions = {
      clientId: this.options.client_id,
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: RECONNECT_MS,
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      ...(this.options.username !== undefined ? { username: this.options.username } : {}),
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
    };
    const client = connect(this.options.url, clientOptions);
    client.on('connect', () => {
      this.refusalRetryMs = undefined;
      client.options.reconnectPeriod = RECONNECT_MS;
      this.emit('connect');
    });
    client.on('offline', () => this.emit('offline'));
    client.on('error', (error) => {
      // mqtt.js arms the timer of the next attempt after this event, with the period it reads then.
      client.options.reconnectPeriod = isConnackRefusal(error) ? this.nextRefusalRetryMs() : RECONNECT_MS;
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
    this.client = client;
  }

  /** Wait before the next connection attempt, in milliseconds. */
  get retryDelayMs(): number {
    return this.client?.options.reconnectPeriod ?? RECONNECT_MS;
  }

  write(readings: readonly Reading[]): void {
    if (this.stopped || this.client === undefined) {
      this.counters.dropped += readings.length;
      return;
    }
    const size = this.options.max_readings_per_message ?? 500;
    for (let first = 0; first < readings.length; first += size) {
      this.publishBatch(readings.slice(first, first + size));
    }
  }

  /** Publishes one alarm (as the alarm engine produced it) at QoS 1; resolves once the broker has it. */
  async publishAlarm(alarm: object): Promise<void> {
    if (this.client === undefined) throw new Error('upstream output is not started; call start() first');
    const topic = alarmsTopic(this.options.topic_prefix, this.options.site, this.options.node_id);
    await this.client.publishAsync(topic, JSON.stringify(alarm), { qos: 1 });
  }

  /** Resolves once the central broker has acknowledged every message published so far. */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Waits at most `timeout_ms` (default `stop_timeout_ms`) for acknowledgements, then closes the client;
   * the session stays at the broker, and unacknowledged readings stay in the durable queue.
   */
  async stop(timeout_ms: number = this.options.stop_timeout_ms ?? 5000): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeout_ms);
    });
    await Promise.race([this.flush(), timeout]);
    clearTimeout(timer);
    await this.client?.endAsync(true);
  }

  stats(): OutputStats {
    return { ...this.counters, pending: this.pending };
  }

  private publishBatch(batch: readonly Reading[]): void {
    this.pending += batch.length;
    const payload = encodeBatch(this.options.node_id, batch);
    (this.client as MqttClient).publish(this.readingsTopic, payload, { qos: 1 }, (error) => {
      this.pending -= batch.length;
      if (error) this.counters.write_errors += 1;
      else this.counters.written += batch.length;
      if (this.pending === 0) this.releaseWaiters();
    });
  }

  /** Wait before the attempt after a refusal: the first wait, then twice the previous one up to the longest. */
  private nextRefusalRetryMs(): number {
    const first = this.options.refusal_retry_ms ?? 5000;
    const max = this.options.max_refusal_retry_ms ?? 60_000;
    this.refusalRetryMs = this.refusalRetryMs === undefined ? first : Math.min(max, this.refusalRetryMs * 2);
    return this.refusalRetryMs;
  }

  private releaseWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
