/**
 * The central side of the upstream link, a small bridge rather than a full gateway: it subscribes to
 * every site's readings on the central broker (QoS 1, persistent session), commits them to its own durable
 * queue (gateway/queue) and feeds the central InfluxDB 1.x from that queue. The PUBACK of a message is
 * sent only once its readings are committed and synced to disk, so a crash loses nothing: the broker sends
 * an unacknowledged message again. An InfluxDB outage backs up on the bridge's disk, bounded by the
 * queue's `max_queue_points` and `max_queue_bytes`, so the broker keeps being drained.
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { isConnackRefusal } from '../../devices/mqtt/connack-refusal.js';
import {
  type BrokerAddress,
  MqttSubscriberError,
  redact,
  splitBrokerUrl,
} from '../../devices/mqtt/subscriber-error.js';
import { InfluxSink } from '../outputs/influx-sink.js';
import type { FieldConflictCount } from '../outputs/removed-field-letters.js';
import { DurableQueue } from '../queue/durable-queue.js';
import type { QueueConfig } from '../queue/queue-config.js';
import { QueueConsumer } from '../queue/queue-consumer.js';
import type { QueueStats } from '../queue/queue-types.js';
import type { Reading } from '../reading.js';
import { createStoreDirectory } from '../store-directory.js';
import { decodeBatch, UpstreamMessageError } from './upstream-message.js';

/** Default client id of the bridge's persistent session. */
export const DEFAULT_INGEST_CLIENT_ID = 'coldpool-upstream-ingest';
/** Default topic prefix the sites publish under, as `upstream.topic_prefix` of a site. */
export const DEFAULT_INGEST_TOPIC_PREFIX = 'coldpool/upstream';

/** Cap of the reconnect wait, which doubles after each failed attempt from 1 s, in milliseconds. */
const MAX_RECONNECT_PERIOD_MS = 30_000;

/** Options of `UpstreamIngest`. */
export interface UpstreamIngestOptions {
  /** Central broker URL, `mqtt://host:1883` or `mqtts://host:8883`. User info in it is used but never logged. */
  broker_url: string;
  /** Client id of the bridge's persistent session. Default `coldpool-upstream-ingest`. */
  client_id?: string;
  /** Topic prefix the sites publish under. Default `coldpool/upstream`. */
  topic_prefix?: string;
  /** User name for the central broker; overrides one in `broker_url`. Default none. */
  username?: string;
  /** Password for the central broker; overrides one in `broker_url`. Default none. */
  password?: string;
  /** Central InfluxDB, `http://host:8086/database`; the database is created when missing. */
  influx_url: string;
  /** User for InfluxDB HTTP basic authentication. Default none. */
  influx_username?: string;
  /** Password for InfluxDB HTTP basic authentication. Default none. */
  influx_password?: string;
  /** Settings that set the InfluxDB credentials, named in errors. Default `influx_username and influx_password`. */
  influx_credential_settings?: string;
  /** Time to wait for a write response, in milliseconds. Default 10000. */
  timeout_ms?: number;
  /** SQLite file of the bridge's durable queue; missing directories are created with mode 0700. */
  queue_path: string;
  /** Option or key that set `queue_path`, named in errors, such as `--queue`. Default `queue_path`. */
  queue_path_setting?: string;
  /** Queue settings other than the path (`max_queue_points`, `max_queue_bytes`, `overflow`...). */
  queue?: Partial<Omit<QueueConfig, 'path'>>;
  /** Time to wait for the first CONNACK, in milliseconds. Default 10000. */
  connect_timeout_ms?: number;
}

/** Counters since start. */
export interface UpstreamIngestStats {
  /** Messages received, valid or not. */
  messages: number;
  /** Readings committed to the durable queue. */
  queued: number;
  /** Readings InfluxDB stored. */
  written: number;
  /** Messages that could not be decoded, acknowledged and skipped. */
  invalid_messages: number;
  /** Readings InfluxDB rejected for good, or that had no valid field; they are kept as dead letters. */
  rejected: number;
  /** Readings dropped by the queue's overflow policy or by a failed commit. */
  dropped: number;
  /** Failed write attempts that were retried. */
  write_errors: number;
  /** Readings in the queue that InfluxDB does not have yet. */
  pending: number;
}

/**
 * Events: `invalid` ({ topic, error }), `write_error` ({ error, attempt }), `rejected` ({ count, reason }),
 * `field_type_conflict` (`FieldConflictCount`) for readings written without a field of a conflicting type,
 * `unreachable` (MqttSubscriberError) when the first connection fails and is retried, `refused`
 * (MqttSubscriberError with `connack_code`) when a broker first reached after that rejects the connection, `connect`,
 * `offline`, `subscribed`, `queue_full` and `queue_resumed` ({ points, bytes }), and `error` (Error)
 * while a listener is attached.
 */
export class UpstreamIngest extends EventEmitter {
  private client: MqttClient | undefined;
  private queue: DurableQueue | undefined;
  private consumer: QueueConsumer | undefined;
  private readonly address: BrokerAddress;
  private readonly counters = { messages: 0, invalid_messages: 0 };
  /** Queue counters taken as the queue closed, so `stats()` still returns them after `stop()`. */
  private closedQueueStats: QueueStats | undefined;
  /** Messages whose readings are enqueued and whose PUBACK waits for the commit. */
  private awaitingCommit = 0;
  private stopping = false;

  /** Checks the broker URL; throws `MqttSubscriberError` `MQTT_URL_INVALID` for an invalid one. */
  constructor(private readonly options: UpstreamIngestOptions) {
    super();
    this.address = splitBrokerUrl(options.broker_url);
  }

  /** Topic filter the bridge subscribes to. */
  get topic_filter(): string {
    return `${this.options.topic_prefix ?? DEFAULT_INGEST_TOPIC_PREFIX}/+/+/readings`;
  }

  /** Broker URL without user info, safe to log. */
  get broker_url(): string {
    return this.address.url;
  }

  /**
   * Opens the queue, starts the InfluxDB output, connects and subscribes. Resolves once subscribed, or
   * once the first connection failed for a reason that retrying can fix (the broker is down or
   * unreachable): the client then keeps reconnecting and subscribes on its first connection. Rejects
   * with `MqttSubscriberError` `MQTT_CONNECT_FAILED` after a CONNACK refusal, with a `QueueError` when
   * the queue cannot be opened, and with an Error when its directory cannot be created.
   */
  async start(): Promise<void> {
    const pathSetting = this.options.queue_path_setting ?? 'queue_path';
    createStoreDirectory(this.options.queue_path, pathSetting);
    const sink = this.createSink();
    const queue = new DurableQueue({
      ...this.options.queue,
      path: this.options.queue_path,
      path_setting: pathSetting,
      outputs: [sink.name],
      // Rows keep the line protocol that the InfluxDB output sends, so nothing is encoded twice.
      line_encoder: (reading: Reading) => sink.encodeLine(reading),
      keep_readings: false,
    });
    this.queue = queue;
    this.watchQueue(queue);
    const consumer = new QueueConsumer(queue, sink, { pages_in_flight: sink.pages_in_flight });
    sink.on('write_error', () => consumer.countWriteError());
    consumer.on('failed', (error: Error) => this.safeEmit('write_error', { error, attempt: 0 }));
    this.consumer = consumer;
    await consumer.start();
    await this.connect();
  }

  /**
   * Stops reading messages, waits (at most `wait_ms`) until the readings of the messages already read are
   * synced so their PUBACKs go out, closes the client, then stops the InfluxDB output and closes the
   * queue. Unacknowledged messages stay with the broker and committed readings stay in the queue.
   */
  async stop(wait_ms = 5000): Promise<void> {
    this.stopping = true;
    const queue = this.queue;
    if (queue !== undefined && this.awaitingCommit > 0) {
      // A full queue under the `block` policy delays the commit without limit, so the wait ends after wait_ms.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait_ms);
        queue.afterCommit(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      // A message read after `stopping` is never acknowledged, so a graceful end could wait for it.
      await client.endAsync(true);
      client.removeAllListeners();
    }
    // A second call, or one after a failed start, finds the queue closed already.
    if (queue === undefined || !queue.db.open) return;
    queue.commit();
    await this.consumer?.stop();
    this.closedQueueStats = queue.close();
  }

  stats(): UpstreamIngestStats {
    const output = this.consumer?.stats();
    const queue = this.queue?.db.open === true ? this.queue.stats() : this.closedQueueStats;
    return {
      ...this.counters,
      queued: queue?.accepted ?? 0,
      written: output?.written ?? 0,
      rejected: (output?.rejected ?? 0) + (output?.dropped ?? 0),
      dropped:
        (queue?.dropped_oldest ?? 0) +
        (queue?.dropped_newest ?? 0) +
        (queue?.dropped_full ?? 0) +
        (queue?.commit_failed ?? 0),
      write_errors: output?.write_errors ?? 0,
      pending: output?.pending ?? 0,
    };
  }

  private createSink(): InfluxSink {
    const sink = new InfluxSink({
      url: this.options.influx_url,
      ...(this.options.influx_username !== undefined ? { username: this.options.influx_username } : {}),
      ...(this.options.influx_password !== undefined ? { password: this.options.influx_password } : {}),
      credential_settings: this.options.influx_credential_settings ?? 'influx_username and influx_password',
      timeout_ms: this.options.timeout_ms ?? 10_000,
    });
    sink.on('write_error', (event: { error: Error; attempt: number }) => this.safeEmit('write_error', event));
    sink.on('rejected', (event: { count: number; reason: string }) => this.safeEmit('rejected', event));
    sink.on('field_type_conflict', (conflict: FieldConflictCount) => this.safeEmit('field_type_conflict', conflict));
    return sink;
  }

  private watchQueue(queue: DurableQueue): void {
    queue.on('full', (size: { points: number; bytes: number }) => this.safeEmit('queue_full', size));
    queue.on('resumed', (size: { points: number; bytes: number }) => this.safeEmit('queue_resumed', size));
    queue.on('dropped', (event: { count: number; reason: string }) => this.safeEmit('queue_dropped', event));
    queue.on('commit_error', (error: Error) => this.safeEmit('error', error));
  }

  private clientOptions(): IClientOptions {
    const options: IClientOptions = {
      clientId: this.options.client_id ?? DEFAULT_INGEST_CLIENT_ID,
      protocolVersion: 4,
      clean: false,
      connectTimeout: this.options.connect_timeout_ms ?? 10_000,
      reconnectPeriod: 1000,
      resubscribe: true,
    };
    const username = this.options.username ?? this.address.username;
    const password = this.options.password ?? this.address.password;
    if (username !== undefined) options.username = username;
    if (password !== undefined) options.password = password;
    return options;
  }

  private async connect(): Promise<void> {
    const client = connect(this.address.url, this.clientOptions());
    this.client = client;
    // mqtt.js 5 sends the PUBACK once the callback of `handleMessage` runs, and reads the next packet
    // only after that (its README documents overriding handleMessage).
    client.handleMessage = (packet, callback) => this.receive(packet as IPublishPacket, callback);
    client.on('connect', () => {
      client.options.reconnectPeriod = 1000;
      this.safeEmit('connect');
    });
    // mqtt.js reads options.reconnectPeriod each time it arms the reconnect timer.
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min(MAX_RECONNECT_PERIOD_MS, (client.options.reconnectPeriod ?? 1000) * 2);
    });
    client.on('offline', () => this.safeEmit('offline'));
    try {
      await this.firstConnect(client);
    } catch (error) {
      if (error instanceof MqttSubscriberError && error.connack_code === undefined) {
        this.safeEmit('unreachable', error);
        client.once('connect', () => void this.subscribe(client));
        client.on('error', (clientError) => this.lateConnectError(clientError));
        return;
      }
      await this.stop();
      throw error;
    }
    client.on('error', (clientError) => this.safeEmit('error', clientError));
    await this.subscribe(client);
  }

  /**
   * Reports an error of a client whose first connection failed. mqtt.js 5 stops reconnecting after a
   * CONNACK refusal, so that one becomes `refused` and the caller decides whether to stop.
   */
  private lateConnectError(error: Error): void {
    if (!isConnackRefusal(error)) {
      this.safeEmit('error', error);
      return;
    }
    const password = this.options.password ?? this.address.password;
    const message = `connect to ${this.address.url} failed: ${redact(error.message, password)}`;
    this.safeEmit('refused', new MqttSubscriberError('MQTT_CONNECT_FAILED', message, error.code));
  }

  /** Resolves on the first CONNACK; rejects with `MqttSubscriberError`, with `connack_code` for a refusal. */
  private firstConnect(client: MqttClient): Promise<void> {
    const password = this.options.password ?? this.address.password;
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        client.off('connect', onConnect);
        const refused = isConnackRefusal(error);
        const message = `connect to ${this.address.url} failed: ${redact(error.message, password)}`;
        reject(new MqttSubscriberError('MQTT_CONNECT_FAILED', message, refused ? error.code : undefined));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  }

  private async subscribe(client: MqttClient): Promise<void> {
    try {
      const granted = await client.subscribeAsync(this.topic_filter, { qos: 1 });
      // MQTT 3.1.1 section 3.9.3: return code 0x80 in SUBACK means the broker refused the filter.
      if (granted.some((grant) => grant.qos === 128)) {
        throw new MqttSubscriberError(
          'MQTT_SUBSCRIBE_REJECTED',
          `broker ${this.address.url} refused the subscription to ${this.topic_filter}; check its ACL for this user`,
        );
      }
    } catch (error) {
      // A client closed by stop() fails its SUBSCRIBE; that is no fault.
      if (this.client !== client) return;
      this.safeEmit('error', error);
      return;
    }
    this.safeEmit('subscribed');
  }

  /** Enqueues a message's readings and acknowledges it once they are synced; skips an invalid message. */
  private receive(packet: IPublishPacket, acknowledge: (error?: Error) => void): void {
    // A message read while stopping stays unacknowledged, so the broker sends it again next session.
    if (this.stopping || this.queue === undefined) return;
    this.counters.messages += 1;
    let readings: Reading[];
    try {
      readings = decodeBatch(packet.payload as Buffer).readings;
    } catch (error) {
      if (!(error instanceof UpstreamMessageError)) throw error;
      this.counters.invalid_messages += 1;
      this.safeEmit('invalid', { topic: packet.topic, error });
      acknowledge();
      return;
    }
    this.awaitingCommit += 1;
    this.queue.enqueue(readings);
    this.queue.afterCommit(() => {
      this.awaitingCommit -= 1;
      acknowledge();
    });
  }

  private safeEmit(event: string, ...args: unknown[]): void {
    if (event === 'error' && this.listenerCount('error') === 0) return;
    this.emit(event, ...args);
  }
}
