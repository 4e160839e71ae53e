/** The contract between the durable queue and a destination that acknowledges what it stored. */
import type { Reading } from '../reading.js';
import type { DeadLetterInput } from './dead-letters.js';
import type { LineRow } from './queue-store.js';
import type { QueuedPoint } from './queued-point.js';

/** What became of one page of points. Every point is counted once as written, rejected or dropped. */
export interface DeliveryReport {
  /** Points the destination stored. */
  written: number;
  /** Points the destination rejected for good; never retried. */
  rejected: number;
  /** Rejected points that could be identified, with the server's reason; they become dead letters. */
  dead_letters: DeadLetterInput[];
  /** Points left out before sending (no valid field left), with the reason of each group. */
  dropped: { count: number; reason: string }[];
}

/**
 * A destination fed from the queue. `deliver` resolves once every point of the page is settled, and
 * retries transient failures itself for as long as it takes. When `signal` aborts (the gateway stops),
 * it rejects with the signal's reason: the page is then not acknowledged and is delivered again after
 * the next start, so the destination must treat a repeated point as an overwrite.
 */
export interface Sink {
  readonly name: string;
  start(): Promise<void>;
  deliver(points: readonly QueuedPoint[], signal: AbortSignal): Promise<DeliveryReport>;
  /**
   * Delivers stored rows as they are, for a sink whose `encodeLine` the queue used at commit time.
   * `readingsOf` decodes one row's points, to name the readings behind lines the destination rejected.
   */
  deliverRows?(
    rows: readonly LineRow[],
    signal: AbortSignal,
    readingsOf: (id: number) => QueuedPoint[],
  ): Promise<DeliveryReport>;
  /**
   * Pages the sink accepts before the first is settled (`QueueConsumer` `pages_in_flight`). A sink that
   * does not set it gets one page at a time, so its destination receives the points in queue order.
   */
  readonly pages_in_flight?: number;
  /** Encodes a reading as the text this sink sends, or returns null when it cannot. */
  encodeLine?(reading: Reading): string | null;
  /**
   * Releases connections and workers. `timeout_ms` is what is left of the consumer's stop timeout: the
   * sink waits for its destination at most that long, so the whole stop ends within the stated timeout.
   */
  stop(timeout_ms?: number): Promise<void>;
}

/** Returns a report with nothing counted yet. */
export function emptyReport(): DeliveryReport {
  return { written: 0, rejected: 0, dead_letters: [], dropped: [] };
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles with `work`, or rejects with the signal's reason when `signal` aborts first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
