/**
 * Republishes each normalised reading as JSON on MQTT, for dashboards and other consumers on the site:
 * topic `<prefix>/<site>/<asset>/<device>/<measurement>`, payload
 * `{ "time_ms", "time", "tags", "fields", "seq" }`.
 */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { checkPayloadSize, MqttPayloadTooLargeError } from '../mqtt-payload-limit.js';
import type { Reading } from '../reading.js';
import type { Output, OutputStats } from './output.js';
import { OutputConfigError } from './output-errors.js';
import { storableFields } from './storable-fields.js';

/** Options of `MqttRepublish`. */
export interface MqttRepublishOptions {
  /** mqtt.js 5 client; the caller connects and ends it, `stop()` leaves it open. */
  client: MqttClient;
  /** First topic levels, without a trailing slash. Default `coldpool/readings`. */
  topic_prefix?: string;
  /** QoS of the published messages. Default 0. */
  qos?: 0 | 1 | 2;
  /** Retain flag of the published messages. Default false. */
  retain?: boolean;
  /**
   * Payload limit of the broker, in bytes. A larger message is dropped and counted instead of sent,
   * because the embedded broker closes the connection of a client that publishes one. Default: no limit.
   */
  max_payload_bytes?: number;
  /** Maximum messages handed to the client and not yet sent; newer readings are dropped beyond it. Default 10000. */
  max_pending?: number;
  /** Time `stop()` waits for messages still in the client, in milliseconds. Default 5000. */
  stop_timeout_ms?: number;
  /**
   * Messages in the client at once; the rest of a write waits in this output. It keeps mqtt.js from
   * buffering a whole page and adding a socket `drain` listener per message. Default 200.
   */
  max_in_flight?: number;
}

/** JSON payload of a republished reading. */
export interface RepublishedReading {
  time_ms: number;
  /** `time_ms` as ISO 8601 UTC. */
  time: string;
  tags: Record<string, string>;
  fields: Record<string, number | boolean | string>;
  /** Message number of this publisher, from 1 at construction, so consumers can count lost messages. */
  seq: number;
}

/**
 * Replaces characters that cannot appear in a topic level and fills an empty level. `+` and `#` are
 * wildcards and `/` separates levels (MQTT 3.1.1 section 4.7.1); U+0000 is forbidden in topic names
 * (section 1.5.3).
 */
export function sanitiseTopicLevel(level: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is matched on purpose, topics cannot contain it.
  const cleaned = level.replace(/[+#/\u0000]/g, '_');
  return cleaned === '' ? '_' : cleaned;
}

function checkPrefix(prefix: string): void {
  const levels = prefix.split('/');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is matched on purpose, topics cannot contain it.
  const bad = levels.find((level) => level === '' || /[+#\u0000]/.test(level));
  if (bad !== undefined || prefix.startsWith('$')) {
    throw new OutputConfigError(
      'TOPIC_LEVEL_INVALID',
      `MQTT republish topic_prefix "${prefix}" has an empty level, a wildcard or a leading $; use plain levels such as coldpool/readings`,
    );
  }
}

/** Output that publishes readings through an MQTT client. Events: `dropped` ({ count, reason }), `write_error` ({ error, attempt }). */
export class MqttRepublish extends EventEmitter implements Output {
  private readonly client: MqttClient;
  private readonly prefix: string;
  private readonly qos: 0 | 1 | 2;
  private readonly retain: boolean;
  private readonly maxPending: number;
  private readonly stopTimeoutMs: number;
  private readonly maxPayloadBytes: number | undefined;
  private readonly maxInFlight: number;
  /** Readings accepted by `write` and not yet handed to the client. */
  private waiting: { reading: Reading; fields: RepublishedReading['fields'] }[] = [];
  /** Index of the next entry of `waiting` to hand to the client. */
  private next = 0;
  private inFlight = 0;
  private readonly counters = { written: 0, rejected: 0, dropped: 0, write_errors: 0 };
  private pending = 0;
  private seq = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: MqttRepublishOptions) {
    super();
    this.client = options.client;
    this.prefix = options.topic_prefix ?? 'coldpool/readings';
    checkPrefix(this.prefix);
    this.qos = options.qos ?? 0;
    this.retain = options.retain ?? false;
    this.maxPending = options.max_pending ?? 10_000;
    this.stopTimeoutMs = options.stop_timeout_ms ?? 5000;
    this.maxInFlight = options.max_in_flight ?? 200;
    this.maxPayloadBytes = options.max_payload_bytes;
  }

  /** Topic of a reading. */
  topicOf(reading: Reading): string {
    const { site = '', asset = '', device = '' } = reading.tags;
    const levels = [site, asset, device, reading.measurement].map(sanitiseTopicLevel);
    return `${this.prefix}/${levels.join('/')}`;
  }

  /** The client is connected by its owner, so there is nothing to start. */
  async start(): Promise<void> {}

  write(readings: readonly Reading[]): void {
    let overflow = 0;
    for (const reading of readings) {
      if (this.stopped || this.pending >= this.maxPending) {
        overflow += 1;
        continue;
      }
      const fields = storableFields(reading.fields);
      if (Object.keys(fields).length === 0) {
        this.drop(1, `no valid field left in ${reading.measurement} of device ${reading.tags.device}`);
        continue;
      }
      this.pending += 1;
      this.waiting.push({ reading, fields });
    }
    this.pump();
    if (overflow > 0) {
      const reason = this.stopped ? 'the MQTT republish output is stopped' : `max_pending ${this.maxPending} reached`;
      this.drop(overflow, reason);
    }
  }

  /** Resolves once the client has sent every message handed to it (QoS 0) or had it acknowledged (QoS 1 and 2). */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Waits at most `timeout_ms` (default `stop_timeout_ms`) for pending messages, then stops accepting
   * readings; the client stays open.
   */
  async stop(timeout_ms: number = this.stopTimeoutMs): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeout_ms);
    });
    await Promise.race([this.flush(), timeout]);
    clearTimeout(timer);
  }

  stats(): OutputStats {
    return { ...this.counters, pending: this.pending };
  }

  /** Hands waiting readings to the client while fewer than `max_in_flight` are in it. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.next < this.waiting.length) {
      const entry = this.waiting[this.next] as { reading: Reading; fields: RepublishedReading['fields'] };
      this.next += 1;
      this.publish(entry.reading, entry.fields);
    }
    if (this.next === this.waiting.length) {
      this.waiting = [];
      this.next = 0;
    }
  }

  private publish(reading: Reading, fields: RepublishedReading['fields']): void {
    this.seq += 1;
    const message: RepublishedReading = {
      time_ms: reading.time_ms,
      time: new Date(reading.time_ms).toISOString(),
      tags: reading.tags,
      fields,
      seq: this.seq,
    };
    const topic = this.topicOf(reading);
    const payload = JSON.stringify(message);
    try {
      checkPayloadSize(topic, payload, this.maxPayloadBytes);
    } catch (error) {
      if (!(error instanceof MqttPayloadTooLargeError)) throw error;
      this.pending -= 1;
      this.drop(1, error.message);
      if (this.pending === 0) this.releaseWaiters();
      return;
    }
    this.inFlight += 1;
    this.client.publish(topic, payload, { qos: this.qos, retain: this.retain }, (error) => {
      this.inFlight -= 1;
      this.pending -= 1;
      if (error) {
        this.counters.write_errors += 1;
        this.emit('write_error', { error, attempt: 1 });
        this.drop(1, `MQTT publish failed: ${error.message}`);
      } else {
        this.counters.written += 1;
      }
      if (this.pending === 0) this.releaseWaiters();
      else this.pump();
    });
  }

  private releaseWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private drop(count: number, reason: string): void {
    this.counters.dropped += count;
    this.emit('dropped', { count, reason });
  }
}
