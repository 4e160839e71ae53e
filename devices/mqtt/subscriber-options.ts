/** Options, events and counters of `MqttSubscriber`. */
import type { DeviceSample } from '../sample.js';
import type { MqttSubscriberError } from './subscriber-error.js';
import type { TopicSubscription } from './topic-router.js';

/** Options of `MqttSubscriber`. */
export interface MqttSubscriberOptions {
  /** Broker URL, `mqtt://host:1883`. User info in the URL is used when `username` and `password` are unset. */
  url: string;
  /** MQTT client id. The broker keeps the persistent session (clean=false) and its queued QoS 1 messages under it. */
  client_id: string;
  /** User name sent in CONNECT. Default none. */
  username?: string;
  /** Password sent in CONNECT. It never appears in an error or event. Default none. */
  password?: string;
  /** Maximum QoS requested for every subscription. Default 1. */
  qos?: 0 | 1;
  /** Topic filters and their payload mappings. */
  subscriptions: TopicSubscription[];
  /**
   * Filters subscribed only to notice publishers on topics that no subscription maps (a sensor wired
   * with the wrong topic); their messages become `unknown_topic` events. Default none.
   */
  watch_filters?: string[];
  /** Retained messages: `source_time` keeps them only when the payload carries a timestamp, `skip` drops all. Default `source_time`. */
  retained?: 'skip' | 'source_time';
  /** Time to wait for CONNACK on each connection attempt, in milliseconds. Default 10000. */
  connect_timeout_ms?: number;
  /** First wait before reconnecting after a lost connection, in milliseconds. It doubles per failed attempt. Default 1000. */
  reconnect_period_ms?: number;
  /** Maximum wait between reconnect attempts, in milliseconds. Default 30000. */
  max_reconnect_period_ms?: number;
  /**
   * When true, `start()` resolves even if the first connection attempt fails for a reason other than a
   * CONNACK refusal (connection refused or reset, no CONNACK in time). It emits `unreachable` with that error,
   * the client keeps reconnecting, and the subscriptions are made once a connection succeeds. A broker
   * that replies with a CONNACK refusal (bad credentials, not authorized) still makes `start()` reject.
   * Default false.
   */
  retry_unreachable_broker?: boolean;
  /**
   * A broker in the same process to read from instead of connecting to `url` (which then only names
   * the broker in errors). Every message published to it is offered to the subscriber; messages on
   * topics no filter matches are passed on untouched and become `unknown_topic` events, except on
   * `own_topics` and on topics that start with `$`. Default none.
   */
  local_source?: LocalMessageSource;
  /**
   * With `local_source`: topics that the reading process publishes or subscribes to itself (exact
   * topics, or a topic followed by `/#` for its subtree), which are no unknown topics. Default none.
   */
  own_topics?: readonly string[];
}

/** A message published to an in-process broker. */
export interface LocalMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
}

/**
 * An in-process broker's hook for published messages. The broker calls the handler for every
 * message and acknowledges and routes it only once `done` was called.
 */
export interface LocalMessageSource {
  set(handler: ((message: LocalMessage, done: () => void) => void) | undefined): void;
}

/** Payload of the `samples` event. */
export interface SamplesEvent {
  topic: string;
  /** The subscription filter the topic matched (the device's own topic for a configured device). */
  filter: string;
  samples: DeviceSample[];
}

/** Payload of the `payload_error` event. `error` is a `PayloadError` (mappings are validated when the subscriber is built). */
export interface PayloadErrorEvent {
  topic: string;
  /** Device id from the payload when the error carries one, else from the topic (`''` when neither gives one). */
  device_id: string;
  error: Error;
}

/** Payload of the `retained_skipped` event. */
export interface RetainedSkippedEvent {
  topic: string;
  /** Device id from the topic, `''` when the mapping takes it from the payload and the topic gives none. */
  device_id: string;
}

/** Events of `MqttSubscriber` and their arguments. */
export interface MqttSubscriberEvents {
  samples: [SamplesEvent];
  payload_error: [PayloadErrorEvent];
  unknown_topic: [{ topic: string }];
  retained_skipped: [RetainedSkippedEvent];
  connect: [];
  offline: [];
  /** The broker granted every subscription (also emitted at start with `local_source`). */
  subscribed: [];
  /** With `retry_unreachable_broker`: the first connection attempt failed, and the client keeps retrying. */
  unreachable: [MqttSubscriberError];
  error: [MqttSubscriberError];
}

/** Message and error counts since the subscriber was created. */
export interface SubscriberCounters {
  messages: number;
  samples: number;
  payload_errors: number;
  unknown_topics: number;
  retained_skipped: number;
  /** Payload errors per topic, for at most 1000 topics. Later topics are counted under `(other topics)`. */
  payload_errors_by_topic: Map<string, number>;
}
