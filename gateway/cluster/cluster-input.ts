/**
 * MQTT input of a cluster node: one subscriber for the configured device topics and wildcard
 * subscriptions, with the PUBACK of each QoS 1 message held until its readings are committed to the
 * durable queue. A node killed before the commit leaves the message in its persistent session in Redis,
 * and the broker sends it again when the node's session reconnects.
 */
import { type AcknowledgedSamplesEvent, MqttSubscriber } from '../../devices/mqtt/subscriber.js';
import { type TopicSubscription, topicMatches } from '../../devices/mqtt/topic-router.js';
import type { DeviceSample } from '../../devices/sample.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { DeviceIdentity } from '../pipeline/normalise-sample.js';

/** Receives the samples of one message; calls `done` once they are stored. */
export type ClusterSampleHandler = (
  samples: Array<{ sample: DeviceSample; identity: DeviceIdentity }>,
  done: () => void,
) => void;

function subscriptionsOf(resolved: ResolvedConfig): TopicSubscription[] {
  const exact: TopicSubscription[] = [];
  for (const device of resolved.devices) {
    if (device.protocol === 'mqtt') exact.push({ filter: device.topic, device_id: device.id, mapping: device.payload });
  }
  const wildcard = resolved.subscriptions.map((entry) => ({
    filter: entry.topic,
    ...(entry.device_id_segment !== undefined ? { device_id_segment: entry.device_id_segment } : {}),
    mapping: entry.payload,
    tags: entry.tags,
  }));
  return [...exact, ...wildcard];
}

/** The input; `subscriber` is exposed for its counters and `payload_error` events. */
export class ClusterInput {
  readonly subscriber: MqttSubscriber;
  private readonly identities = new Map<string, DeviceIdentity>();

  constructor(
    private readonly resolved: ResolvedConfig,
    url: string,
    client_id: string,
    handler: ClusterSampleHandler,
  ) {
    for (const device of resolved.devices) this.identities.set(device.id, device);
    this.subscriber = new MqttSubscriber({
      url,
      client_id,
      qos: 1,
      retained: resolved.config.mqtt.retained,
      subscriptions: subscriptionsOf(resolved),
      ack_after_commit: true,
    });
    this.subscriber.on('samples', (event) => {
      const { topic, samples, done } = event as AcknowledgedSamplesEvent;
      const identified = samples.flatMap((sample) => {
        const identity = this.identityFor(sample.device_id, topic);
        return identity === undefined ? [] : [{ sample, identity }];
      });
      handler(identified, done ?? (() => {}));
    });
  }

  start(): Promise<void> {
    return this.subscriber.start();
  }

  stop(): Promise<void> {
    return this.subscriber.stop();
  }

  private identityFor(deviceId: string, topic: string): DeviceIdentity | undefined {
    const known = this.identities.get(deviceId);
    if (known !== undefined) return known;
    const entry = this.resolved.subscriptions.find((candidate) => topicMatches(candidate.topic, topic));
    if (entry === undefined) return undefined;
    return { site: entry.site, asset: deviceId, measurement: entry.measurement, tags: entry.tags };
  }
}
