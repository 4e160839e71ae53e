import type { Logger } from 'pino';
import { connackRefusalFix, isConnackRefusal, type RefusedClient } from '../devices/mqtt/connack-refusal.js';
import { redact } from '../devices/mqtt/subscriber-error.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { redactUrlText } from './secrets.js';

/** The events of an MQTT client that the log follows: mqtt.js's `MqttClient`, or an object that passes them on. */
export interface ConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'offline' | 'connect', listener: () => void): unknown;
}

/** Options of `logConnectionState`. */
export interface ConnectionLogOptions {
  /** Name of the client in messages, such as `control client`. */
  name: string;
  url: string;
  password?: string;
  /** Start of an outage already under way, when the caller saw the first attempt fail. */
  outage_start_ms?: number;
  /** The client's settings that the fix of a CONNACK refusal names. Default: the `mqtt` section, no retries. */
  refused?: RefusedClient;
  /** Wait before the next attempt after a refusal, in milliseconds, for a client whose `refused.retries` is true. */
  retry_delay_ms?: () => number;
}

/**
 * Logs the connection state of one of the gateway's own MQTT clients (control, republish, upstream).
 * mqtt.js emits an `error` for every failed reconnect attempt, every 1 or 2 s for these clients, so the
 * errors are logged at most once a minute with the count suppressed since the previous line. When the
 * client connects after lost connections or failed attempts, one info line `<name> reconnected` gives
 * the number of failed attempts and the time since the connection was lost. `password` is removed from
 * every message, and `url` is logged without its password.
 */
export function logConnectionState(client: ConnectionEvents, log: Logger, options: ConnectionLogOptions): void {
  const url = redactUrlText(options.url);
  const errorLog = new RateLimitedLog(log);
  let failedAttempts = options.outage_start_ms === undefined ? 0 : 1;
  /** Time the connection was lost or the first attempt failed; undefined while connected. */
  let outageStartMs = options.outage_start_ms;

  client.on('error', (error: Error) => {
    const err = redact(error.message, options.password);
    const refusal = isConnackRefusal(error);
    if (refusal && options.refused?.retries !== true) {
      // mqtt.js stops reconnecting after a CONNACK refusal, so that error is logged once, with its fix.
      log.error(
        { url, err, connack_code: error.code },
        `${options.name} was refused by the broker and stops reconnecting; ${connackRefusalFix(error.code, options.refused)}`,
      );
      return;
    }
    failedAttempts++;
    outageStartMs ??= Date.now();
    if (refusal) {
      const retryMs = options.retry_delay_ms?.();
      const retry = retryMs === undefined ? '' : ` and tries again in ${Math.round(retryMs / 1000)} s`;
      // Keyed apart from other errors, so a broker that starts refusing is logged at once.
      errorLog.warn(
        `${options.name}:refused`,
        {
          url,
          err,
          connack_code: error.code,
          failed_attempts: failedAttempts,
          ...(retryMs === undefined ? {} : { retry_ms: retryMs }),
        },
        `${options.name} was refused by the broker${retry}; ${connackRefusalFix(error.code, options.refused)}`,
      );
      return;
    }
    errorLog.warn(
      options.name,
      { url, err, failed_attempts: failedAttempts },
      `${options.name} error; it keeps reconnecting`,
    );
  });
  client.on('offline', () => {
    outageStartMs ??= Date.now();
  });
  client.on('connect', () => {
    if (outageStartMs !== undefined) {
      log.info(
        { url, failed_attempts: failedAttempts, outage_ms: Date.now() - outageStartMs },
        `${options.name} reconnected`,
      );
    }
    failedAttempts = 0;
    outageStartMs = undefined;
  });
}
