import { EventEmitter } from 'node:events';
import { connectAsync, type MqttClient } from 'mqtt';
import { connectFailureFix } from './connect-failure-fix.js';
import type { Fault } from './faults.js';
import { type Clock, ScaledClock } from './physics/clock.js';
import type { MqttWireFaults, WireFault } from './wire-faults.js';

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
  /** Publish every `interval_ms` on a timer. False leaves publishing to `tick()` calls. Default true. */
  publish_on_timer?: boolean;
  /** Wire faults that corrupt or delay a share of messages. Default: none. */
  wire_faults?: MqttWireFaults;
  /** Simulated seconds per real second, to turn a simulated hold-back into a real delay. Default 1. */
  time_scale?: number;
}

/** Event payload of `published`: what went out on the wire. */
export interface PublishedMessage {
  device_id: string;
  topic: string;
  seq: number;
  /** Payload as published, after any wire fault. */
  payload: string | Buffer;
  /** Time stamped on the payload (simulated, plus any clock jump), ms. */
  stamp_ms: number;
  /** Wall-clock time of the tick that made the message, ms. */
  tick_wall_ms: number;
  /** Wire fault applied to this message, if any. */
  wire_fault?: WireFault;
}

/** Returns the MQTT client id of a simulated device. */
function clientIdOf(device_id: string): string {
  return `coldpool-sim-${device_id}`;
}

/** Raised when the simulator cannot reach its broker at start, or the broker refuses the connection. */
export class BrokerConnectError extends Error {
  readonly code = 'SIM_BROKER_CONNECT_FAILED';

  constructor(device_id: string, broker_url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const fix = connectFailureFix(cause, clientIdOf(device_id));
    super(`Device ${device_id} failed to connect to MQTT broker ${broker_url}: ${reason}; ${fix}`);
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
  /** Messages handed to the MQTT client and not yet acknowledged or failed. */
  private unacknowledged = 0;
  private last_tick_ms: number;
  private clock_offset_ms = 0;

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
    if (this.options.publish_on_timer === false) return;
    this.timer = setInterval(() => void this.tick(), this.options.interval_ms ?? 2000);
  }

  /** Number of messages handed to the MQTT client that the broker has not acknowledged yet. */
  get unacknowledged_messages(): number {
    return this.unacknowledged;
  }

  /** Steps the device's clock by `jump_ms` from now on, as a device whose RTC was set wrong does. */
  jumpClock(jump_ms: number): void {
    this.clock_offset_ms += Math.round(jump_ms);
  }

  /** Advances the physics to `now_ms` without publishing. */
  advanceTo(now_ms: number): void {
    this.advance(now_ms, Math.max(0, now_ms - this.last_tick_ms) / 1000);
    this.last_tick_ms = Math.max(this.last_tick_ms, now_ms);
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

  /**
   * Advances the physics to the clock's time and publishes one message unless disconnected. A late wire
   * fault delays the message, so later ones overtake it.
   */
  async tick(): Promise<void> {
    const tick_wall_ms = Date.now();
    const now_ms = this.clock.nowMs();
    this.advanceTo(now_ms);
    const client = this.client;
    if (this.fault === 'disconnect' || client === undefined) return;
    this.seq += 1;
    const stamp_ms = now_ms + this.clock_offset_ms;
    const encoded = this.encodePayload(this.seq, stamp_ms);
    const wire = this.options.wire_faults?.apply(encoded) ?? { payload: encoded, delay_ms: 0 };
    const message: PublishedMessage = {
      device_id: this.device_id,
      topic: this.topic,
      seq: this.seq,
      payload: wire.payload,
      stamp_ms,
      tick_wall_ms,
      ...(wire.fault ? { wire_fault: wire.fault } : {}),
    };
    if (wire.delay_ms > 0) {
      const real_ms = wire.delay_ms / (this.options.time_scale ?? 1);
      await new Promise((resolve) => setTimeout(resolve, real_ms));
    }
    this.unacknowledged += 1;
    try {
      await client.publishAsync(this.topic, message.payload, { qos: 1 });
      this.unacknowledged -= 1;
      this.emit('published', message);
    } catch (error) {
      this.unacknowledged -= 1;
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
        { clientId: clientIdOf(this.device_id), username, password, reconnectPeriod: 1000 },
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
