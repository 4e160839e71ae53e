/**
 * Logs the embedded broker's rejections. One line per reason and source address per interval, with a
 * count of the ones suppressed, so a device retrying a wrong password every second cannot flood the log.
 */
import type { Logger } from 'pino';
import type { BrokerEventEmitter, BrokerRejection } from '../broker/broker-rejection.js';
import { RateLimitedLog } from '../rate-limited-log.js';

/** Starts logging rejections from `events` as warnings on `log`; returns a function that stops it. */
export function logBrokerRejections(events: BrokerEventEmitter, log: Logger, interval_ms = 60_000): () => void {
  const limited = new RateLimitedLog(log, interval_ms);
  const listener = (rejection: BrokerRejection) => {
    const key = `${rejection.reason}|${rejection.remote_address ?? ''}|${rejection.username ?? ''}`;
    limited.warn(key, { ...rejection }, `mqtt broker rejected a client: ${rejection.reason}`);
  };
  events.on('rejected', listener);
  return () => events.off('rejected', listener);
}
