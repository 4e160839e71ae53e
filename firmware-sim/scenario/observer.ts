import { connectAsync, type MqttClient } from 'mqtt';
import { ALARMS_FILTER, type ObservedAlarm, parseAlarmMessage } from './alarm-message.js';
import { ORDERS_TOPIC } from './orders.js';

/** Readings topic filter of the gateway under test. */
export const READINGS_FILTER = 'coldpool/readings/#';

/** A reading as the gateway republished it. */
export interface ObservedReading {
  time_ms: number;
  tags: Record<string, string>;
  fields: Record<string, number | boolean | string>;
  /** Wall-clock time the message arrived, ms. */
  arrived_ms: number;
}

/** Something the kit saw arrive, with its wall-clock arrival time. */
export interface Arrival<T> {
  value: T;
  arrived_ms: number;
}

/**
 * Watches the gateway under test the way any MQTT client could: readings, alarms and the orders topic.
 * It also publishes the orders of live sales. mqtt.js reconnects and subscribes again after a broker restart.
 */
export class Observer {
  readonly readings: ObservedReading[] = [];
  readonly alarms: Arrival<ObservedAlarm>[] = [];
  readonly orders: Arrival<string>[] = [];
  /** Messages on the watched topics that were not valid readings or alarms. */
  unreadable = 0;

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => this.receive(topic, payload.toString('utf8')));
  }

  /** Connects to `broker_url` and subscribes at QoS 1. */
  static async connect(broker_url: string, options: { username?: string; password?: string } = {}): Promise<Observer> {
    // A persistent session (clean false), so a broker that keeps sessions queues what arrives while the
    // observer reconnects after a broker restart.
    const client = await connectAsync(broker_url, {
      clientId: `coldpool-hil-observer-${process.pid}-${Date.now()}`,
      clean: false,
      reconnectPeriod: 250,
      ...options,
    });
    const observer = new Observer(client);
    await client.subscribeAsync([READINGS_FILTER, ALARMS_FILTER, ORDERS_TOPIC], { qos: 1 });
    return observer;
  }

  /** Publishes one order at QoS 1. */
  async publishOrder(payload: string): Promise<void> {
    await this.client.publishAsync(ORDERS_TOPIC, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private receive(topic: string, payload: string): void {
    const arrived_ms = Date.now();
    if (topic === ORDERS_TOPIC) {
      this.orders.push({ value: payload, arrived_ms });
      return;
    }
    if (topic.startsWith('coldpool/alarms/')) {
      const alarm = parseAlarmMessage(payload);
      if (alarm) this.alarms.push({ value: alarm, arrived_ms });
      else this.unreadable++;
      return;
    }
    try {
      const data = JSON.parse(payload) as ObservedReading;
      if (typeof data.time_ms !== 'number' || typeof data.tags !== 'object' || typeof data.fields !== 'object') {
        this.unreadable++;
        return;
      }
      this.readings.push({ time_ms: data.time_ms, tags: data.tags, fields: data.fields, arrived_ms });
    } catch {
      this.unreadable++;
    }
  }
}
