import type { Reading } from '../reading.js';

/** Counters every output keeps since it was constructed. */
export interface OutputStats {
  /** Points the destination accepted. */
  written: number;
  /** Points the destination or the serialiser rejected as invalid; they are never retried. */
  rejected: number;
  /** Points dropped before reaching the destination: no valid field left, buffer full, or stopped. */
  dropped: number;
  /** Failed write attempts (network errors, timeouts, server errors); the points stay buffered and are retried. */
  write_errors: number;
  /** Points buffered or in flight, not yet written, rejected or dropped. */
  pending: number;
}

/**
 * A destination for normalised readings (InfluxDB, the local store, MQTT republish).
 *
 * Contract:
 * - `start()` connects and prepares the destination. It resolves once the output accepts `write()` calls
 *   and rejects only for a configuration error; an unreachable destination is retried by the output.
 * - `write()` returns without waiting for the destination, and an invalid reading is counted rather than
 *   thrown. Every reading ends up counted once as written, rejected or dropped, or stays `pending`.
 * - `flush()` resolves when everything buffered before the call has been written, rejected or dropped.
 * - `stop(timeout_ms)` flushes for at most `timeout_ms` (the output's own stop timeout when omitted), then
 *   releases connections and timers. A `write()` after `stop()` is counted as dropped.
 * - `stats()` returns the counters above.
 */
export interface Output {
  start(): Promise<void>;
  write(readings: readonly Reading[]): void;
  flush(): Promise<void>;
  stop(timeout_ms?: number): Promise<void>;
  stats(): OutputStats;
}
