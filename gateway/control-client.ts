import { connectAsync, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { redact } from '../devices/mqtt/subscriber-error.js';
import { redactUrl } from './secrets.js';

/** Options of the gateway's own MQTT session for alarm notifications and operator commands. */
export interface ControlClientOptions {
  url: string;
  client_id: string;
  username?: string;
  password?: string;
}

/**
 * The gateway's MQTT session for its own traffic: alarm notifications out, operator commands in. It is a
 * persistent session (clean=false) so commands sent while the gateway restarts are still delivered.
 */
export class ControlClient {
  private readonly handlers = new Map<string, (payload: string) => void>();

  private constructor(
    private readonly client: MqttClient,
    log: Logger,
  ) {
    client.on('message', (topic, payload) => {
      const handler = this.handlers.get(topic);
      if (!handler) return;
      try {
        handler(payload.toString('utf8'));
      } catch (error) {
        log.warn({ topic, err: (error as Error).message }, 'command rejected');
      }
    });
    client.on('error', (error) => log.warn({ err: error.message }, 'control client error'));
  }

  /** Connects to the broker. The error of a failed first connection names the broker and what to check. */
  static async connect(options: ControlClientOptions, log: Logger): Promise<ControlClient> {
    let client: MqttClient;
    try {
      client = await connectAsync(options.url, {
        clientId: options.client_id,
        clean: false,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        ...(options.username !== undefined ? { username: options.username } : {}),
        ...(options.password !== undefined ? { password: options.password } : {}),
      });
    } catch (error) {
      const detail = redact((error as Error).message, options.password);
      // mqtt.js reports CONNACK return codes 4 and 5 (MQTT 3.1.1 section 3.2.2.3) as these messages.
      const refusedLogin = /Bad username or password|Not authorized/i.test(detail);
      const fix = refusedLogin
        ? 'check mqtt.username and the password that mqtt.password_env or mqtt.password_file gives'
        : 'check mqtt.url and that the broker is running';
      throw new Error(`MQTT connection to ${redactUrl(options.url)} failed: ${detail}; ${fix}`);
    }
    return new ControlClient(client, log);
  }

  /** Publishes at QoS 1; resolves once the broker has the message. `retain` keeps it for late subscribers. */
  async publish(topic: string, payload: string, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  /** Calls `handler` with every message on an exact topic; a handler that throws has the message logged. */
  async subscribe(topic: string, handler: (payload: string) => void): Promise<void> {
    this.handlers.set(topic, handler);
    await this.client.subscribeAsync(topic, { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}
