/** Settings of the durable queue between the pipeline and the outputs, as a zod schema. */
import { z } from 'zod';

/** Policy for a new reading when the queue already contains `max_queue_points` or `max_queue_bytes`. */
export const overflowPolicies = ['block', 'drop_oldest', 'drop_newest'] as const;
export type OverflowPolicy = (typeof overflowPolicies)[number];

export const queueConfigSchema = z.strictObject({
  /** SQLite database file of the queue, created when missing. Default `queue.db` in the local store's folder. */
  path: z.string().min(1).optional(),
  /** Maximum points held, counting every point not yet acknowledged by all outputs. Default 2000000. */
  max_queue_points: z.number().int().min(1).default(2_000_000),
  /** Maximum bytes of encoded points held (row payload, not file size). Default 536870912 (512 MiB). */
  max_queue_bytes: z
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024),
  /**
   * Policy when full. `block` (default) stops accepting and raises a `queue_full` alarm, `drop_oldest`
   * deletes the oldest points, `drop_newest` discards the new ones. Every dropped point is counted.
   */
  overflow: z.enum(overflowPolicies).default('block'),
  /**
   * Time a reading waits for others to share its commit (one fsync), in milliseconds. Default 0: the
   * commit runs at the next turn of the event loop, so it contains every reading that arrived meanwhile.
   */
  commit_delay_ms: z.number().int().min(0).max(1000).default(0),
  /**
   * Send the PUBACK of a QoS 1 message only once its readings are synced to disk, so a crash or a power
   * cut before that leaves the message with the publisher or broker, which sends it again. Messages
   * share group commits and fsyncs. From the embedded broker this costs little. From an external broker
   * the gateway's one MQTT connection takes the next message only after the PUBACK, which caps QoS 1
   * ingest near one message per fsync. With false, the PUBACK goes out once the reading is accepted in
   * memory, and a crash can lose the readings not yet committed. For QoS 0 messages to the embedded
   * broker it paces each connection: the broker reads on once the previous readings are committed. Default true.
   */
  commit_before_ack: z.boolean().default(true),
  /**
   * Readings that trigger a commit at once, without waiting for `commit_delay_ms`. Default 10000: one
   * socket read of the embedded broker (up to 256 KiB, about 2,000 readings) then makes one commit and
   * waits for one sync, where a smaller bound split it into two commits and two syncs in a row.
   */
  commit_max_points: z.number().int().min(1).max(100_000).default(10_000),
  /**
   * Pending readings that trigger a commit at once while a caller waits only for the insert (QoS 0
   * messages of the embedded broker). Default 200. Each message then completes soon after it is read, so
   * V8 collects it young, and little survives each scavenge of the gateway's small young generation
   * (BENCHMARKS.md, "Ingest"). The count includes QoS 1 readings, and a value above `commit_max_points`
   * acts as `commit_max_points`.
   */
  insert_commit_points: z.number().int().min(1).max(100_000).default(200),
  /** Points an output reads from disk per page; bounds memory whatever the backlog. Default 5000. */
  page_points: z.number().int().min(1).max(100_000).default(5000),
  /** Maximum dead letters kept; the oldest are deleted beyond it. Default 100000. */
  max_dead_letters: z.number().int().min(1).default(100_000),
  /** Interval between self-metrics points written to the outputs, in seconds; 0 turns them off. Default 10. */
  self_metrics_interval_s: z.number().min(0).max(3600).default(10),
});

export type QueueConfig = z.infer<typeof queueConfigSchema>;

/** Returns the settings with defaults applied; throws a `ZodError` for an invalid value. */
export function parseQueueConfig(input: unknown = {}): QueueConfig {
  return queueConfigSchema.parse(input);
}
