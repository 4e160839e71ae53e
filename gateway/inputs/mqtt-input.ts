import { type AcknowledgedSamplesEvent, isValidDeviceId, MqttSubscriber } from '../../devices/mqtt/subscriber.js';
import type { LocalMessageSource } from '../../devices/mqtt/subscriber-options.js';
import { type TopicSubscription, topicMatches } from '../../devices/mqtt/topic-router.js';
import type { DeviceSample } from '../../devices/sample.js';
import type { ResolvedMqttDevice, ResolvedSubscription } from '../config/resolve.js';
import type { EventBus } from '../events.js';
import type { DeviceIdentity } from '../pipeline/normalise-sample.js';

export interface MqttInputOptions {
  url: string;
  client_id: string;
  username?: string;
  password?: string;
  qos: 0 | 1;
  retained: 'skip' | 'source_time';
  watch_topics: readonly string[];
  /** Hold each QoS 1 PUBACK until `after_commit` reports the message's readings on disk. */
  ack_after_commit?: boolean;
  /** Calls `done` once everything accepted so far is committed to the durable queue and synced to disk. */
  after_commit?: (done: () => void) => void;
  /**
   * Calls `done` once everything accepted so far is committed, without waiting for the sync. Paces QoS 0
   * messages of the embedded broker, which have no acknowledgement to hold back. Default `after_commit`.
   */
  after_insert?: (done: () => void) => void;
  devices: readonly ResolvedMqttDevice[];
  subscriptions: readonly ResolvedSubscription[];
  /** The embedded broker's publish hook, read in process instead of over a TCP connection. */
  local_source?: LocalMessageSource;
  /** With `local_source`: topics the gateway uses itself, which are not counted as unknown topics. */
  own_topics?: readonly string[];
  /** Start without the broker when it is unreachable, and subscribe once it accepts a connection. */
  retry_unreachable_broker?: boolean;
  /** Called each time the broker grants the subscriptions, at start or once it is reachable again. */
  on_subscribed?: () => void;
  /** Called when the client connects again after losing its connection, with the outage in milliseconds. */
  on_reconnected?: (outage_ms: number) => void;
}

/** Wildcard-routed device identities kept at most, ten times the 10,000 devices of the ingest benchmark. */
export const WILDCARD_IDENTITIES = 100_000;

/** Wildcard subscription filter that routed an unconfigured device, with the identity it gave the device. */
export interface DiscoveredRoute {
  subscription: string;
  site: string;
  measurement: string;
}

/** A decoded sample together with the identity that tags it. */
export type SampleHandler = (sample: DeviceSample, identity: DeviceIdentity) => void;

/**
 * The MQTT input: one subscriber for every configured device topic and wildcard subscription. It looks up
 * each sample's identity (site, asset, measurement) and hands it to the pipeline; decode problems go to
 * the bus as input problems.
 */
export class MqttInput {
  private readonly subscriber: MqttSubscriber;
  private readonly identities = new Map<string, DeviceIdentity>();
  /** Wildcard subscriptions by filter; the first configured one wins when two share a filter. */
  private readonly byFilter = new Map<string, ResolvedSubscription>();
  /**
   * Identities of devices routed by a wildcard subscription, by filter and device id. Each device keeps
   * one identity object, by which the pipeline caches its tag set. Emptied when it reaches its bound.
   */
  private readonly wildcardIdentities = new Map<string, Map<string, DeviceIdentity>>();
  private wildcardIdentityCount = 0;

  constructor(
    private readonly options: MqttInputOptions,
    private readonly bus: EventBus,
    private readonly onSample: SampleHandler,
  ) {
    for (const device of options.devices) {
      this.identities.set(device.id, device);
    }
    for (const entry of options.subscriptions) {
      if (!this.byFilter.has(entry.topic)) this.byFilter.set(entry.topic, entry);
    }
    this.subscriber = new MqttSubscriber({
      url: options.url,
      client_id: options.client_id,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      qos: options.qos,
      retained: options.retained,
      subscriptions: this.topicSubscriptions(),
      watch_filters: [...options.watch_topics],
      ack_after_commit: options.ack_after_commit === true && options.after_commit !== undefined,
      ...(options.local_source !== undefined ? { local_source: options.local_source } : {}),
      ...(options.own_topics !== undefined ? { own_topics: options.own_topics } : {}),
      retry_unreachable_broker: options.retry_unreachable_broker === true,
    });
    this.wire();
  }

  private topicSubscriptions(): TopicSubscription[] {
    const exact = this.options.devices.map((device) => ({
      filter: device.topic,
      device_id: device.id,
      mapping: device.payload,
    }));
    const wildcard = this.options.subscriptions.map((entry) => ({
      filter: entry.topic,
      ...(entry.device_id_segment !== undefined ? { device_id_segment: entry.device_id_segment } : {}),
      mapping: entry.payload,
      tags: entry.tags,
    }));
    return [...exact, ...wildcard];
  }

  /**
   * Returns the configured device of this id, or else an identity from the subscription whose filter
   * routed the message. A device id from the payload of a configured device's topic falls back to the first
   * subscription that matches the topic.
   */
  private identityFor(deviceId: string, filter: string, topic: string): DeviceIdentity | undefined {
    const known = this.identities.get(deviceId);
    if (known) return known;
    const entry =
      this.byFilter.get(filter) ?? this.options.subscriptions.find((candidate) => topicMatches(candidate.topic, topic));
    if (!entry) return undefined;
    let byDevice = this.wildcardIdentities.get(entry.topic);
    const cached = byDevice?.get(deviceId);
    if (cached !== undefined) return cached;
    if (this.wildcardIdentityCount >= WILDCARD_IDENTITIES) {
      this.wildcardIdentities.clear();
      this.wildcardIdentityCount = 0;
      byDevice = undefined;
    }
    if (byDevice === undefined) {
      byDevice = new Map();
      this.wildcardIdentities.set(entry.topic, byDevice);
    }
    const identity = { site: entry.site, asset: deviceId, measurement: entry.measurement, tags: entry.tags };
    byDevice.set(deviceId, identity);
    this.wildcardIdentityCount += 1;
    return identity;
  }

  /** Returns the wildcard subscription that routed `deviceId` and its identity, while the identity is kept. */
  discoveredRoute(deviceId: string): DiscoveredRoute | undefined {
    for (const [filter, byDevice] of this.wildcardIdentities) {
      const identity = byDevice.get(deviceId);
      if (identity !== undefined) {
        return { subscription: filter, site: identity.site, measurement: identity.measurement };
      }
    }
    return undefined;
  }

  private wire(): void {
    this.subscriber.on('samples', (samplesEvent) => {
      // With ack_after_commit the subscriber adds `done` to QoS 1 messages.
      const event = samplesEvent as AcknowledgedSamplesEvent;
      for (const sample of event.samples) {
        const identity = this.identityFor(sample.device_id, event.filter, event.topic);
        if (identity) this.onSample(sample, identity);
      }
      if (event.done) {
        const settle =
          event.qos === 0 ? (this.options.after_insert ?? this.options.after_commit) : this.options.after_commit;
        if (settle) settle(event.done);
        else event.done();
      }
    });
    this.subscriber.on(
      'payload_error',
      ({ topic, device_id, error }: { topic: string; device_id: string; error: Error }) => {
        const code = (error as { code?: string }).code ?? 'PAYLOAD_INVALID';
        // A payload that could not be decoded still routes its device, so that the device is listed
        // with this problem. An id that is not a valid device id gets no identity.
        if (isValidDeviceId(device_id)) this.identityFor(device_id, '', topic);
        this.bus.emit('input_problem', {
          source: 'mqtt',
          code,
          message: error.message,
          topic,
          device_id,
          payload_rejected: true,
        });
      },
    );
    this.subscriber.on('unknown_topic', ({ topic }: { topic: string }) => {
      this.bus.emit('input_problem', {
        source: 'mqtt',
        code: 'MQTT_UNKNOWN_TOPIC',
        message: 'no device or subscription maps this topic',
        topic,
      });
    });
    this.subscriber.on('retained_skipped', ({ topic, device_id }: { topic: string; device_id: string }) => {
      this.bus.emit('input_problem', {
        source: 'mqtt',
        code: 'MQTT_RETAINED_SKIPPED',
        message: 'retained message without a timestamp skipped; it is not a fresh reading',
        topic,
        device_id,
      });
    });
    this.subscriber.on('subscribed', () => this.options.on_subscribed?.());
    // mqtt.js emits `offline` once per outage and `connect` on each successful connection. A first
    // connection that comes late, after a broker unreachable at start, is `on_subscribed` only.
    let connectedOnce = false;
    let offlineSinceMs: number | undefined;
    this.subscriber.on('offline', () => {
      offlineSinceMs ??= Date.now();
    });
    this.subscriber.on('connect', () => {
      if (!connectedOnce) {
        connectedOnce = true;
        offlineSinceMs = undefined;
        return;
      }
      if (offlineSinceMs === undefined) return;
      const outage_ms = Date.now() - offlineSinceMs;
      offlineSinceMs = undefined;
      this.options.on_reconnected?.(outage_ms);
    });
    this.subscriber.on('error', (error: Error) => {
      this.bus.emit('input_problem', { source: 'mqtt', code: 'MQTT_CLIENT_ERROR', message: error.message });
    });
  }

  /**
   * Starts the subscriber. Resolves with the error of the first connection attempt when the broker was
   * unreachable and the input keeps retrying (`retry_unreachable_broker`), and with undefined otherwise.
   */
  async start(): Promise<Error | undefined> {
    let unreachable: Error | undefined;
    const onUnreachable = (error: Error) => {
      unreachable = error;
    };
    this.subscriber.once('unreachable', onUnreachable);
    try {
      await this.subscriber.start();
    } finally {
      this.subscriber.off('unreachable', onUnreachable);
    }
    return unreachable;
  }

  stop(): Promise<void> {
    return this.subscriber.stop();
  }
}
