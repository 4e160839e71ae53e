import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { connackRefusalFix, isConnackRefusal } from '../devices/mqtt/connack-refusal.js';
import { redact } from '../devices/mqtt/subscriber-error.js';
import { RateLimitedLog } from './rate-limited-log.js';
import { redactUrlText } from './secrets.js';

/**
 * Logs the connection state of one of the gateway's own MQTT clients (control, republish). mqtt.js
 * emits an `error` for every failed reconnect attempt, every 2 s for these clients, so the errors are
 * logged at most once a minute with the count suppressed since the previous line. When the client
 * connects after lost connections or failed attempts, one info line `<name> reconnected` gives the
 * number of failed attempts and the time since the connection was lost. `password` is removed from
 * every message, and `url` is logged without its password.
 */
export function logConnectionState(
  client: MqttClient,
  log: Logger,
  options: {
    name: string;
    url: string;
    password?: string;
    /** Start of an outage already under way, when the caller saw the first attempt fail. */
    outage_start_ms?: number;
  },
): void {
  const url = redactUrlText(options.url);
  const errorLog = new RateLimitedLog(log);
  let failedAttempts = options.outage_start_ms === undefined ? 0 : 1;
  /** Time the connection was lost or the first attempt failed; undefined while connected. */
  let outageStartMs = options.outage_start_ms;

  client.on('error', (error) => {
    // mqtt.js stops reconnecting after a CONNACK refusal, so that error is logged once, with its fix.
    if (isConnackRefusal(error)) {
      log.error(
        { url, err: redact(error.message, options.password), connack_code: error.code },
        `${options.name} was refused by the broker and stops reconnecting; ${connackRefusalFix(error.code)}`,
      );
      return;
    }
    failedAttempts++;
    outageStartMs ??= Date.now();
    errorLog.warn(
      options.name,
      { url, err: redact(error.message, options.password), failed_attempts: failedAttempts },
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
