/**
 * Logs the embedded broker's refusals. One line per reason and source address per interval, with a
 * count of the ones suppressed, so a device retrying a wrong password every second cannot flood the log.
 */
import type { Logger } from 'pino';
import type { BrokerEventEmitter, BrokerRefusal } from '../broker/broker-refusal.js';
import { RateLimitedLog } from '../rate-limited-log.js';

/** Starts logging refusals from `events` as warnings on `log`; returns a function that stops it. */
export function logBrokerRefusals(events: BrokerEventEmitter, log: Logger, interval_ms = 60_000): () => void {
  const limited = new RateLimitedLog(log, interval_ms);
  const listener = (refusal: BrokerRefusal) => {
    const key = `${refusal.reason}|${refusal.remote_address ?? ''}|${refusal.username ?? ''}`;
    limited.warn(key, { ...refusal }, `mqtt broker rejected a client: ${refusal.reason}`);
  };
  events.on('refused', listener);
  return () => events.off('refused', listener);
}
