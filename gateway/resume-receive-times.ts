/**
 * Start of the receive times after a restart. Readings stamped at receive time start after the newest
 * receive time the queue file stored, so that each series keeps increasing times across a restart and
 * no reading gets a time that its series already has in InfluxDB.
 */
import type { Logger } from 'pino';
import { startReceiveTimesAfter } from './pipeline/normalise-sample.js';
import type { DurableQueue } from './queue/durable-queue.js';

/**
 * Largest lead over the wall clock, in milliseconds, with which a stored receive clock is still followed
 * at start. The queue never stores a time ahead of the wall clock, so a lead means that the clock was set
 * back since, or that the file comes from a version that stored device times as receive times. Following
 * a lead stamps the readings of every series 1 ms apart until the clock catches up. The limit lets a
 * clock step of a few seconds (an NTP correction) keep series in order, and that much bunching is small.
 */
export const MAX_RECEIVE_CLOCK_LEAD_MS = 5_000;

/**
 * Makes receive times start after the queue's stored receive clock, or deletes that clock with a warning
 * when it is more than `MAX_RECEIVE_CLOCK_LEAD_MS` ahead of `now_ms`.
 */
export function resumeReceiveTimes(
  queue: Pick<DurableQueue, 'newest_receive_ms' | 'resetReceiveClock'>,
  path: string,
  log: Logger,
  now_ms: number = Date.now(),
): void {
  const stored_ms = queue.newest_receive_ms;
  const lead_ms = stored_ms - now_ms;
  if (lead_ms <= MAX_RECEIVE_CLOCK_LEAD_MS) {
    startReceiveTimesAfter(stored_ms);
    return;
  }
  const stored = new Date(stored_ms).toISOString();
  const wall = new Date(now_ms).toISOString();
  const lead_s = Math.round(lead_ms / 1000);
  log.warn(
    { path, stored_receive_time: stored, wall_clock: wall, lead_s },
    `queue file's newest receive time ${stored} is ${lead_s} s ahead of the wall clock ${wall}, more than ` +
      `${MAX_RECEIVE_CLOCK_LEAD_MS / 1000} s, so it is ignored and readings without a device time get the ` +
      'wall clock time again, earlier than the points stored before. The system clock was set back, or an ' +
      'earlier version stored a device time as a receive time; check the clock if it is wrong',
  );
  queue.resetReceiveClock();
}
