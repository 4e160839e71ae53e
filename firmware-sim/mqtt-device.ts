import { EventEmitter } from 'node:events';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Fault } from './faults.js';
import { type Clock, ScaledClock } from './physics/clock.js';

/** Options shared by every simulated MQTT device. */
export interface MqttDeviceOptions {
  /** Device id, used in the topic and the MQTT client id. */
  device_id: string;
  /** Broker URL, such as `mqtt://127.0.0.1:1883`. */
  broker_url: string;
  /** Wall-clock time between two publishes, ms. Default 2000. */
  interval_ms?: number;
  /** Source of simulated time for payload stamps and physics. Default: the wall clock. */
  clock?: Clock;
  /** MQTT user name. Default: none. */
  username?: string;
  /** MQTT password. Default: none. */
  password?: string;
}

/** Event payload of `published`: what went out on the wire. */
export interface PublishedMessage {
  device_id: string;
  topic: string;
  seq: number;
  payload: string;
}

/** Raised when the simulator cannot reach its broker at start. */
export class BrokerConnectError extends Error {
  readonly code = 'SIM_BROKER_CONNECT_FAILED';

  constructor(device_id: string, broker_url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Device ${device_id} failed to connect to MQTT broker ${broker_url}: ${reason}; check that it listens there`);
    this.name = 'BrokerConnectError';
  }
}

/**
 * Base of the simulated MQTT devices: keeps the broker session, the publish timer, the sequence number
 * and the active fault. Subclasses advance their physics and encode payloads. Messages go out at QoS 1
 * (MQTT 3.1.1 section 4.3.2: stored until the broker's PUBACK). Emits `published` with a `PublishedMessage`,
 * and `device_error` with the error when a publish, a reconnect or the client fails.
 */
export abstract class MqttDevice extends EventEmitter {
  readonly device_id: string;
  readonly topic: string;
  protected readonly clock: Clock;
  protected fault: Fault | null = null;
  private readonly options: MqttDeviceOptions;
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private seq = 0;
  private last_tick_ms: number;

  protected constructor(options: MqttDeviceOptions, topic: string) {
    super();
    this.options = options;
    this.device_id = options.device_id;
    this.topic = topic;
    this.clock = options.clock ?? new ScaledClock();
    this.last_tick_ms = this.clock.nowMs();
  }

  /** Connects to the broker and starts publishing every interval. */
  async start(): Promise<void> {
    this.running = true;
    try {
      await this.connect();
    } catch (error) {
      this.running = false;
      throw error;
    }
    this.timer = setInterval(() => void this.tick(), this.options.interval_ms ?? 2000);
  }

  /** Stops publishing and ends the broker session. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.disconnect();
  }

  /** Starts showing `fault`, replacing any fault already shown (and reconnecting if that was `disconnect`). */
  injectFault(fault: Fault): void {
    const previous = this.fault;
    this.fault = fault;
    if (fault === 'disconnect') this.disconnect().catch((error: unknown) => this.emit('device_error', error));
    else if (previous === 'disconnect') this.reconnect();
  }

  /** Returns to normal behaviour, reconnecting if the fault was `disconnect`. */
  clearFault(): void {
    const previous = this.fault;
    this.fault = null;
    if (previous === 'disconnect') this.reconnect();
  }

  /** Advances the physics to the clock's time and publishes one message unless disconnected. */
  async tick(): Promise<void> {
    const now_ms = this.clock.nowMs();
    this.advance(now_ms, Math.max(0, now_ms - this.last_tick_ms) / 1000);
    this.last_tick_ms = now_ms;
    const client = this.client;
    if (this.fault === 'disconnect' || client === undefined) return;
    this.seq += 1;
    const message: PublishedMessage = {
      device_id: this.device_id,
      topic: this.topic,
      seq: this.seq,
      payload: this.encodePayload(this.seq, now_ms),
    };
    try {
      await client.publishAsync(this.topic, message.payload, { qos: 1 });
      this.emit('published', message);
    } catch (error) {
      this.emit('device_error', error);
    }
  }

  /** Advances the device's physics by `dt_s` simulated seconds, ending at `now_ms`. */
  protected abstract advance(now_ms: number, dt_s: number): void;

  /** Encodes one payload for sequence number `seq`, stamped `now_ms`, showing the active fault. */
  protected abstract encodePayload(seq: number, now_ms: number): string;

  private reconnect(): void {
    if (!this.running) return;
    this.connect().catch((error: unknown) => this.emit('device_error', error));
  }

  /** Connects once, failing fast; after that mqtt.js reconnects on its own every second. */
  private async connect(): Promise<void> {
    const { broker_url, username, password } = this.options;
    let client: MqttClient;
    try {
      client = await connectAsync(
        broker_url,
        { clientId: `coldpool-sim-${this.device_id}`, username, password, reconnectPeriod: 1000 },
        false,
      );
    } catch (error) {
      throw new BrokerConnectError(this.device_id, broker_url, error);
    }
    if (!this.running || this.fault === 'disconnect') {
      await client.endAsync(true);
      return;
    }
    client.on('error', (error) => this.emit('device_error', error));
    this.client = client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.endAsync(true);
  }
}
