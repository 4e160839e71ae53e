/**
 * An MQTT 3.1.1 client that subscribes to the configured topic filters and turns every message into
 * events. It never logs and never throws out of its message handler: each message becomes `samples`,
 * `payload_error`, `unknown_topic` or `retained_skipped`, and is acknowledged either way, so a bad
 * payload never stalls a QoS 1 subscription.
 */
import { EventEmitter } from 'node:events';
import { connect, ErrorWithReasonCode, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { DeviceSample } from '../sample.js';
import { connackRefusalFix, isConnackRefusal } from './connack-refusal.js';
import { decodePayload } from './json-codec.js';
import { OwnTopics } from './own-topics.js';
import { PayloadError, payloadExcerpt, printableText } from './payload-error.js';
import { type BrokerAddress, MqttSubscriberError, redact, splitBrokerUrl } from './subscriber-error.js';
import type {
  LocalMessage,
  MqttSubscriberEvents,
  MqttSubscriberOptions,
  PayloadErrorEvent,
  RetainedSkippedEvent,
  SamplesEvent,
  SubscriberCounters,
} from './subscriber-options.js';
import { type TopicRoute, TopicRouter, topicMatches, validateTopicFilter } from './topic-router.js';

/** Time a connection must stay up before the reconnect backoff starts again from its first step. */
const STABLE_CONNECTION_MS = 10_000;

/**
 * True for a first-connection failure other than a CONNACK refusal: no TCP connection, no CONNACK in
 * time, a socket or TLS error. mqtt.js 5 keeps reconnecting after these, but not after a refusal.
 */
function isUnreachable(error: unknown): error is MqttSubscriberError {
  return error instanceof MqttSubscriberError && error.connack_code === undefined;
}

/** Option of `MqttSubscriber` that delays the acknowledgement of QoS 1 messages until they are stored. */
export interface AcknowledgeOptions {
  /**
   * When true, the PUBACK of a QoS 1 message (MQTT 3.1.1 section 4.3.2) is sent only once `done` of its
   * `samples` event is called. A crash before the samples are stored then leaves the message with the
   * broker, which sends it again. mqtt.js 5 reads the next packet only after the acknowledgement, so
   * call `done` soon. Messages that yield no samples are acknowledged at once. With `local_source`,
   * QoS 0 messages also wait for `done` before the broker reads on, which paces a fast publisher to
   * the store; their event has `qos` 0, so the listener may call `done` before the samples are synced.
   * Default false.
   */
  ack_after_commit?: boolean;
}

/** `samples` event of a QoS 1 message when `ack_after_commit` is on; call `done` once, after storing the samples. */
export interface AcknowledgedSamplesEvent extends SamplesEvent {
  done: () => void;
  /** QoS of the message. For QoS 0 (from `local_source`), `done` only lets the broker read the connection on. */
  qos: 0 | 1 | 2;
}

export type {
  MqttSubscriberEvents,
  MqttSubscriberOptions,
  PayloadErrorEvent,
  RetainedSkippedEvent,
  SamplesEvent,
  SubscriberCounters,
};

/**
 * Device ids become tag values and series in every output, so one from a topic level or a payload
 * must be short and plain: at most 64 letters, digits, '.', '_', ':' or '-'. An id of dots only ('.',
 * '..') is rejected too, because HTTP clients resolve it as a path segment and the API cannot name it.
 */
const VALID_DEVICE_ID = /^(?!\.+$)[A-Za-z0-9._:-]{1,64}$/;

/** Returns whether `id` is a valid device id (1 to 64 letters, digits, '.', '_', ':' or '-', not dots alone). */
export function isValidDeviceId(id: string): boolean {
  return VALID_DEVICE_ID.test(id);
}

/** Maximum number of topics counted one by one in `payload_errors_by_topic`, so topic spam cannot grow it. */
const MAX_COUNTED_TOPICS = 1000;
/** Key in `payload_errors_by_topic` of the errors on topics past `MAX_COUNTED_TOPICS`. */
export const OTHER_TOPICS_KEY = '(other topics)';

/**
 * Subscriber that emits `samples`, `payload_error`, `unknown_topic`, `retained_skipped`, `connect`,
 * `offline` and `error`. Errors are emitted only while an `error` listener is attached, because an
 * unhandled `error` event would throw inside mqtt.js.
 */
export class MqttSubscriber extends EventEmitter<MqttSubscriberEvents> {
  private readonly options: MqttSubscriberOptions & AcknowledgeOptions;
  private readonly router: TopicRouter;
  private readonly ownTopics: OwnTopics;
  private readonly address: BrokerAddress;
  private client: MqttClient | undefined;
  /** With `ack_after_commit`: per QoS 1 packet, settles once its samples are stored. */
  private readonly acknowledgements = new WeakMap<IPublishPacket, Promise<void>>();
  private readonly counts: SubscriberCounters = {
    messages: 0,
    samples: 0,
    payload_errors: 0,
    unknown_topics: 0,
    retained_skipped: 0,
    payload_errors_by_topic: new Map(),
  };

  /** Validates the URL, filters and mappings. Throws `MqttSubscriberError`, `TopicFilterError` or a mapping error. */
  constructor(options: MqttSubscriberOptions & AcknowledgeOptions) {
    super();
    this.options = options;
    this.address = splitBrokerUrl(options.url);
    this.router = new TopicRouter(options.subscriptions);
    this.ownTopics = new OwnTopics(options.own_topics ?? []);
    for (const filter of options.watch_filters ?? []) validateTopicFilter(filter);
  }

  /** Returns a copy of the message and error counts. */
  counters(): SubscriberCounters {
    return { ...this.counts, payload_errors_by_topic: new Map(this.counts.payload_errors_by_topic) };
  }

  /**
   * With `local_source`, starts reading from the in-process broker at once. Otherwise connects,
   * subscribes to every filter and resolves once the broker granted them. Rejects with
   * `MqttSubscriberError` and closes the client when the first connection fails (refused, rejected
   * credentials, or no CONNACK within `connect_timeout_ms`) or the broker rejects a subscription.
   * With `retry_unreachable_broker`, only a CONNACK refusal or a rejected subscription rejects.
   */
  async start(): Promise<void> {
    if (this.options.local_source !== undefined) {
      this.options.local_source.set((message, done) => this.receiveLocal(message, done));
      this.safeEmit('subscribed');
      return;
    }
    if (this.client !== undefined) return;
    const client = connect(this.address.url, this.clientOptions());
    this.client = client;
    this.attachEvents(client);
    try {
      await this.firstConnect(client);
    } catch (error) {
      if (this.options.retry_unreachable_broker === true && isUnreachable(error)) {
        this.safeEmit('unreachable', error);
        client.once('connect', () => void this.subscribeAfterLateConnect(client));
        return;
      }
      await this.stop();
      throw error;
    }
    try {
      await this.subscribeAll(client);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.safeEmit('subscribed');
  }

  /**
   * Subscribes once the first connection succeeded after `start()` returned without one. mqtt.js
   * re-sends these subscriptions itself after later reconnects.
   */
  private async subscribeAfterLateConnect(client: MqttClient): Promise<void> {
    try {
      await this.subscribeAll(client);
    } catch (error) {
      // A client ended by stop() fails its SUBSCRIBE; that is no fault.
      if (this.client !== client) return;
      if (error instanceof MqttSubscriberError) this.emitSubscriberError(error);
      else this.emitError('MQTT_CLIENT_ERROR', error, `subscribe at ${this.address.url}`);
      return;
    }
    if (this.client === client) this.safeEmit('subscribed');
  }

  /** Disconnects and stops reconnecting. The persistent session stays on the broker. */
  async stop(): Promise<void> {
    this.options.local_source?.set(undefined);
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    // A graceful end waits for in-flight packets, which never complete without a connection. With
    // ack_after_commit it can also wait for a message whose samples are never stored, so the client
    // closes at once. The broker sends the unacknowledged messages again in the next session.
    await client.endAsync(!client.connected || this.options.ack_after_commit === true);
    client.removeAllListeners();
  }

  private get password(): string | undefined {
    return this.options.password ?? this.address.password;
  }

  private clientOptions(): IClientOptions {
    const options: IClientOptions = {
      clientId: this.options.client_id,
      protocolVersion: 4,
      clean: false,
      connectTimeout: this.options.connect_timeout_ms ?? 10_000,
      reconnectPeriod: this.options.reconnect_period_ms ?? 1000,
      resubscribe: true,
    };
    const username = this.options.username ?? this.address.username;
    if (username !== undefined) options.username = username;
    if (this.password !== undefined) options.password = this.password;
    return options;
  }

  private attachEvents(client: MqttClient): void {
    const basePeriod = this.options.reconnect_period_ms ?? 1000;
    const maxPeriod = this.options.max_reconnect_period_ms ?? 30_000;
    if (this.options.ack_after_commit === true) this.delayAcknowledgements(client);
    client.on('message', (topic, payload, packet) => {
      const retained = packet.retain === true;
      if (this.options.ack_after_commit !== true || packet.qos === 0) {
        this.handleMessage(topic, payload, retained);
        return;
      }
      this.acknowledgements.set(
        packet,
        new Promise((resolve) => this.handleMessage(topic, payload, retained, resolve, undefined, packet.qos)),
      );
    });
    // The backoff resets only once a connection has held for STABLE_CONNECTION_MS: a broker that kicks
    // the client straight away (another client with the same id) would otherwise cause a reconnect storm.
    let stableTimer: NodeJS.Timeout | undefined;
    client.on('connect', () => {
      clearTimeout(stableTimer);
      stableTimer = setTimeout(() => {
        client.options.reconnectPeriod = basePeriod;
      }, STABLE_CONNECTION_MS);
      stableTimer.unref();
      this.safeEmit('connect');
    });
    client.on('close', () => clearTimeout(stableTimer));
    // mqtt.js reads options.reconnectPeriod each time it arms the reconnect timer, so doubling it here
    // after every attempt gives exponential backoff.
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min(maxPeriod, (client.options.reconnectPeriod ?? basePeriod) * 2);
    });
    client.on('offline', () => this.safeEmit('offline'));
    client.on('error', (error) => this.emitError('MQTT_CLIENT_ERROR', error));
  }

  /**
   * mqtt.js 5 emits `message`, then calls `client.handleMessage` and sends the PUBACK once its callback
   * runs (its README documents overriding handleMessage). `customHandleAcks` would be simpler, but
   * mqtt.js honours it only for MQTT 5 and this client speaks 3.1.1.
   */
  private delayAcknowledgements(client: MqttClient): void {
    client.handleMessage = (packet, callback) => {
      const acknowledged = this.acknowledgements.get(packet as IPublishPacket);
      if (acknowledged === undefined) {
        callback();
        return;
      }
      this.acknowledgements.delete(packet as IPublishPacket);
      void acknowledged.then(() => callback());
    };
  }

  private firstConnect(client: MqttClient): Promise<void> {
    const timeout = this.options.connect_timeout_ms ?? 10_000;
    return new Promise((resolve, reject) => {
      const timeoutError = () =>
        new MqttSubscriberError(
          'MQTT_CONNECT_TIMEOUT',
          `connect to ${this.address.url} timed out: no CONNACK within ${timeout} ms; check the URL and that the broker is running`,
        );
      const timer = setTimeout(() => {
        cleanup();
        reject(timeoutError());
      }, timeout);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        // mqtt.js 5 reports a missing CONNACK after connectTimeout as an error with this message.
        if (error.message === 'connack timeout') reject(timeoutError());
        else {
          // mqtt.js reports a CONNACK return code other than 0 as ErrorWithReasonCode and stops reconnecting.
          const connackCode = error instanceof ErrorWithReasonCode ? error.code : undefined;
          const fix = isConnackRefusal(error)
            ? connackRefusalFix(error.code)
            : 'check mqtt.url and that the broker is running and listens there';
          reject(this.wrap('MQTT_CONNECT_FAILED', `connect to ${this.address.url} failed`, error, connackCode, fix));
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', onError);
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  }

  private async subscribeAll(client: MqttClient): Promise<void> {
    const qos = this.options.qos ?? 1;
    const mapped = this.router.subscriptions.map((subscription) => subscription.filter);
    const filters = [...new Set([...mapped, ...(this.options.watch_filters ?? [])])];
    const request = Object.fromEntries(filters.map((filter) => [filter, { qos }]));
    const granted = await client.subscribeAsync(request);
    // MQTT 3.1.1 section 3.9.3: return code 0x80 in SUBACK means the broker refused that filter.
    const refused = granted.filter((grant) => grant.qos === 128).map((grant) => grant.topic);
    if (refused.length > 0) {
      throw new MqttSubscriberError(
        'MQTT_SUBSCRIBE_REJECTED',
        `broker ${this.address.url} refused the subscription to ${refused.join(', ')}; check its ACL for this user`,
      );
    }
  }

  /**
   * Takes a message from the in-process broker. A live message reaches subscribers with the retain flag
   * cleared (MQTT 3.1.1 section 3.3.1.3), so it is never treated as an old retained value here. The
   * broker hands over every message, so one that no filter matches is an unknown topic unless it is
   * an own topic or a `$` topic.
   */
  private receiveLocal(message: LocalMessage, done: () => void): void {
    const { topic } = message;
    const route = this.router.route(topic);
    if (route === undefined && !this.watched(topic)) {
      if (!this.ownTopics.includes(topic)) this.decodeMessage(topic, message.payload, false, undefined);
      done();
      return;
    }
    // QoS 0 messages are held as well. aedes reads a connection's next data only once every message of
    // the previous read is settled, so a connection sends no faster than its readings are stored. A QoS 0
    // flood then cannot keep the event loop from the outputs: without this, they wrote 15,000 readings/s
    // while 75,000/s went into the queue.
    const holdAck = this.options.ack_after_commit === true;
    this.handleMessage(topic, message.payload, false, holdAck ? done : undefined, route, message.qos);
    if (!holdAck) done();
  }

  private watched(topic: string): boolean {
    return (this.options.watch_filters ?? []).some((filter) => topicMatches(filter, topic));
  }

  /** Decodes one message; `acknowledge`, when given, runs once the message's samples are stored or at once. */
  private handleMessage(
    topic: string,
    payload: Buffer,
    retained: boolean,
    acknowledge?: () => void,
    route: TopicRoute | undefined = this.router.route(topic),
    qos: 0 | 1 | 2 = 1,
  ): void {
    if (acknowledge === undefined) {
      this.decodeMessage(topic, payload, retained, route);
      return;
    }
    let acknowledged = false;
    const done = (): void => {
      if (acknowledged) return;
      acknowledged = true;
      acknowledge();
    };
    const emitted = this.decodeMessage(topic, payload, retained, route, done, qos);
    if (!emitted) done();
  }

  /** Decodes one message and emits its events; returns true when `samples` listeners took over `done`. */
  private decodeMessage(
    topic: string,
    payload: Buffer,
    retained: boolean,
    route: TopicRoute | undefined,
    done?: () => void,
    qos: 0 | 1 | 2 = 1,
  ): boolean {
    this.counts.messages += 1;

    if (route === undefined) {
      this.counts.unknown_topics += 1;
      this.safeEmit('unknown_topic', { topic });
      return false;
    }

    if (retained && (this.options.retained ?? 'source_time') === 'skip') {
      this.skipRetained(topic, route.device_id);
      return false;
    }

    let samples: DeviceSample[];
    try {
      samples = decodePayload(route.device_id, payload, route.mapping, { receive_time_ms: Date.now(), retained });
    } catch (error) {
      this.countPayloadError(topic);
      const reported = error instanceof Error ? error : new Error(String(error));
      const device_id =
        error instanceof PayloadError && error.device_id !== undefined ? error.device_id : route.device_id;
      this.safeEmit('payload_error', { topic, device_id, error: reported });
      return false;
    }

    const badId = samples.find((sample) => !VALID_DEVICE_ID.test(sample.device_id));
    if (badId !== undefined) {
      this.countPayloadError(topic);
      const shortId = badId.device_id.length > 40 ? `${badId.device_id.slice(0, 40)}…` : badId.device_id;
      // PayloadError escapes its reason itself; the event's device_id is escaped here.
      const error = new PayloadError(
        'PAYLOAD_DEVICE_ID_INVALID',
        `device id "${shortId}" (${badId.device_id.length} characters) is not allowed: use at most 64 letters, digits, '.', '_', ':' or '-', not dots alone; fix the device's topic or id`,
        payloadExcerpt(payload),
      );
      this.safeEmit('payload_error', { topic, device_id: printableText(shortId), error });
      return false;
    }

    // A retained message is an old value: keep it only when the device stamped its own time on it.
    if (retained) samples = samples.filter((sample) => sample.source_time_ms !== undefined);
    if (retained && samples.length === 0) {
      this.skipRetained(topic, route.device_id);
      return false;
    }

    // A sample without tags of its own shares the route's frozen tag set, so later stages can cache by it.
    for (const sample of samples) {
      if (sample.tags === undefined) sample.tags = route.tags;
      else sample.tags = { ...route.tags, ...sample.tags };
    }
    this.counts.samples += samples.length;
    if (done === undefined || this.listenerCount('samples') === 0) {
      this.safeEmit('samples', { topic, filter: route.filter, samples });
      return false;
    }
    const event: AcknowledgedSamplesEvent = { topic, filter: route.filter, samples, done, qos };
    return this.safeEmit('samples', event);
  }

  private skipRetained(topic: string, device_id: string): void {
    this.counts.retained_skipped += 1;
    this.safeEmit('retained_skipped', { topic, device_id });
  }

  private countPayloadError(topic: string): void {
    this.counts.payload_errors += 1;
    const byTopic = this.counts.payload_errors_by_topic;
    const key = byTopic.has(topic) || byTopic.size < MAX_COUNTED_TOPICS ? topic : OTHER_TOPICS_KEY;
    byTopic.set(key, (byTopic.get(key) ?? 0) + 1);
  }

  /**
   * Emits an event and returns false when a listener threw. A listener that throws is reported as an
   * `error` event instead of reaching mqtt.js.
   */
  private safeEmit<K extends keyof MqttSubscriberEvents>(event: K, ...args: MqttSubscriberEvents[K]): boolean {
    try {
      (this.emit as (name: K, ...rest: MqttSubscriberEvents[K]) => boolean)(event, ...args);
      return true;
    } catch (error) {
      this.emitError('MQTT_LISTENER_FAILED', error, `listener of '${event}' threw`);
      return false;
    }
  }

  private emitError(code: 'MQTT_CLIENT_ERROR' | 'MQTT_LISTENER_FAILED', error: unknown, context = 'MQTT client'): void {
    this.emitSubscriberError(this.wrap(code, context, error));
  }

  private emitSubscriberError(error: MqttSubscriberError): void {
    // An 'error' event without a listener would throw inside mqtt.js, so it is emitted only to listeners.
    if (this.listenerCount('error') === 0) return;
    try {
      this.emit('error', error);
    } catch {
      // A throwing error listener must not break message handling either.
    }
  }

  private wrap(
    code: MqttSubscriberError['code'],
    context: string,
    error: unknown,
    connackCode?: number,
    fix?: string,
  ): MqttSubscriberError {
    const message = error instanceof Error ? error.message : String(error);
    const text = fix === undefined ? `${context}: ${message}` : `${context}: ${message}; ${fix}`;
    return new MqttSubscriberError(code, redact(text, this.password), connackCode);
  }
}
