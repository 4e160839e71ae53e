import { connect, ErrorWithReasonCode, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { connackRefusalFix, isConnackRefusal } from '../devices/mqtt/connack-refusal.js';
import { redact } from '../devices/mqtt/subscriber-error.js';
import { logConnectionState } from './mqtt-connection-log.js';
import { checkPayloadSize } from './mqtt-payload-limit.js';
import { redactUrl } from './secrets.js';

/** Options of the gateway's own MQTT session for alarm notifications and operator commands. */
export interface ControlClientOptions {
  url: string;
  client_id: string;
  username?: string;
  password?: string;
  /**
   * Payload limit of the broker, in bytes: `mqtt.broker.max_payload_bytes` of the embedded broker, which
   * closes the connection of a client that publishes more. Larger messages are rejected before sending.
   */
  max_payload_bytes?: number;
}

/** Options of one `ControlClient.publish`. */
export interface PublishOptions {
  /** Keeps the message on the broker for late subscribers. Default false. */
  retain?: boolean;
  /**
   * Time to wait for the broker's PUBACK, in milliseconds. When it passes, the promise rejects and the
   * message is removed from the client's outgoing store, so it is not sent again after a reconnect.
   * Default: no limit, and the client sends the message again after each reconnect until it is acknowledged.
   */
  timeout_ms?: number;
}

/**
 * The gateway's MQTT session for its own traffic: alarm notifications out, operator commands in. It is a
 * persistent session (clean=false) so commands sent while the gateway restarts are still delivered.
 */
export class ControlClient {
  private readonly handlers = new Map<string, (payload: string) => void>();
  /** Error of the first connection attempt when the broker was unreachable at start; the client keeps retrying. */
  unreachable: Error | undefined;

  private constructor(
    private readonly client: MqttClient,
    private readonly log: Logger,
    private readonly maxPayloadBytes: number | undefined,
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
  }

  /**
   * Connects to the broker and resolves after the first connection attempt. When the broker replies
   * with a CONNACK refusal (bad credentials, not authorized), it rejects with an error that names the
   * broker and what to check, because mqtt.js 5 does not reconnect after a refusal. Any other failure
   * (connection refused, no CONNACK in time) resolves with a client that keeps reconnecting, with
   * `unreachable` set to that failure.
   */
  static async connect(options: ControlClientOptions, log: Logger): Promise<ControlClient> {
    const client = connect(options.url, {
      clientId: options.client_id,
      clean: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    });
    const error = await firstConnectError(client);
    // The first failure reaches the log through `unreachable` or the thrown error, so logging starts after it.
    logConnectionState(client, log, {
      name: 'control client',
      url: options.url,
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(error !== undefined ? { outage_start_ms: Date.now() } : {}),
    });
    if (error === undefined) return new ControlClient(client, log, options.max_payload_bytes);
    const detail = redact(error.message, options.password);
    if (!(error instanceof ErrorWithReasonCode)) {
      const controlClient = new ControlClient(client, log, options.max_payload_bytes);
      controlClient.unreachable = new Error(detail);
      return controlClient;
    }
    await client.endAsync(true);
    const fix = isConnackRefusal(error)
      ? connackRefusalFix(error.code)
      : "check mqtt.url, mqtt.client_id and the broker's settings";
    throw new Error(`MQTT connection to ${redactUrl(options.url)} failed: ${detail}; ${fix}`);
  }

  /**
   * Publishes at QoS 1 and resolves once the broker has the message. Rejects with
   * `MqttPayloadTooLargeError`, without sending, when the payload exceeds `max_payload_bytes`, and with a
   * timeout error when `timeout_ms` passes first.
   */
  async publish(topic: string, payload: string, options: PublishOptions = {}): Promise<void> {
    checkPayloadSize(topic, payload, this.maxPayloadBytes);
    const { retain = false, timeout_ms: timeoutMs } = options;
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const callback = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          reject(
            new Error(
              `MQTT publish to ${topic} timed out after ${timeoutMs} ms without an acknowledgement; ` +
                'the message was dropped and is not sent again',
            ),
          );
          // The removal calls `callback` with an error of its own, which the settled promise ignores.
          this.removeOutgoing(callback);
        }, timeoutMs);
      }
      this.client.publish(topic, payload, { qos: 1, retain }, callback);
    });
  }

  /** Removes the message whose publish callback is `callback` from the client's outgoing store. */
  private removeOutgoing(callback: (error?: Error) => void): void {
    // NOTE: a message that mqtt.js keeps queued behind a session replay is not in `outgoing` yet, so it
    // is not removed and is sent once the replay ends.
    for (const [messageId, entry] of Object.entries(this.client.outgoing)) {
      if (entry.cb === callback) this.client.removeOutgoingMessage(Number(messageId));
    }
  }

  /**
   * Calls `handler` with every message on an exact topic; a handler that throws has the message logged.
   * Resolves once the broker granted the subscription. While the client is not connected, it resolves
   * at once and subscribes when the next connection succeeds. mqtt.js re-sends the subscriptions itself
   * after later reconnects.
   */
  async subscribe(topic: string, handler: (payload: string) => void): Promise<void> {
    this.handlers.set(topic, handler);
    if (this.client.connected) {
      await this.client.subscribeAsync(topic, { qos: 1 });
      return;
    }
    this.client.once('connect', () => {
      this.client.subscribe(topic, { qos: 1 }, (error) => {
        if (error && !this.client.disconnecting) {
          this.log.warn({ topic, err: error.message }, 'control client subscription failed');
        }
      });
    });
  }

  async stop(): Promise<void> {
    // Without a connection, a graceful end would wait for queued packets that are never sent.
    await this.client.endAsync(!this.client.connected);
  }
}

/** Waits for the first `connect` or `error` of a new client and returns the error, or undefined once connected. */
function firstConnectError(client: MqttClient): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const onConnect = () => {
      client.off('error', onError);
      resolve(undefined);
    };
    const onError = (error: Error) => {
      client.off('connect', onConnect);
      resolve(error);
    };
    client.once('connect', onConnect);
    client.once('error', onError);
  });
}
