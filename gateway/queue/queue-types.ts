/** Options and counters of `DurableQueue`. */
import type { Reading } from '../reading.js';
import type { QueueConfig } from './queue-config.js';

/** Options of `DurableQueue`: the queue settings plus the outputs that consume it. */
export interface DurableQueueOptions extends Partial<QueueConfig> {
  /** SQLite database file of the queue, created when missing; `:memory:` keeps it in memory (tests only). */
  path: string;
  /** Configuration key or command-line option that set `path`, named in errors. Default `outputs.queue.path`. */
  path_setting?: string;
  /** Names of the outputs that must each acknowledge a point before it is deleted. */
  outputs: readonly string[];
  /** Maximum readings held in memory, unacknowledged, while `block` keeps the queue closed. Default 10000. */
  max_blocked_points?: number;
  /**
   * Encoder of a reading as InfluxDB line protocol, called at commit time so that the InfluxDB output
   * sends the stored text as it is. It returns null for a reading it cannot encode. Default none.
   */
  line_encoder?: (reading: Reading) => string | null;
  /**
   * Keep every point as JSON too. False suits a queue whose only output reads line protocol: rows with
   * complete lines then store no JSON, and a dead letter keeps the rejected line. Default true.
   */
  keep_readings?: boolean;
}

/** Counters since the queue was opened, and its current depth. */
export interface QueueStats {
  /** Points committed to disk. */
  accepted: number;
  /** Points deleted unsent by `drop_oldest`. */
  dropped_oldest: number;
  /** Points discarded on arrival by `drop_newest`. */
  dropped_newest: number;
  /** Points dropped under `block` because they had no acknowledgement to hold back (Modbus polls, for example). */
  dropped_full: number;
  /** Points lost because a commit failed (a full disk, an I/O error). */
  commit_failed: number;
  /** Points on disk, not yet acknowledged by every output. */
  depth_points: number;
  /** Encoded bytes of those points. */
  depth_bytes: number;
  /** Age of the oldest point on disk, in milliseconds; 0 when the queue is empty. */
  oldest_age_ms: number;
  /** True while `block` keeps the queue closed. */
  full: boolean;
}

/** Readings of one `enqueue` call and the callback that runs once they are settled. */
export interface PendingEntry {
  readings: readonly Reading[];
  done: (() => void) | undefined;
}

/** An output that had a cursor in the queue file but is not configured now. */
export interface RemovedOutput {
  output: string;
  /** Points queued after its cursor, which it never acknowledged. */
  unacknowledged_points: number;
}
