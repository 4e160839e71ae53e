/** Errors of the durable queue, each with a stable `code`. */

/** The queue file cannot be opened or used: a bad path, a locked or corrupt database, a full disk. */
export class QueueError extends Error {
  override readonly name = 'QueueError';

  constructor(
    /** `QUEUE_OPEN_FAILED`, `QUEUE_LOCKED`, `QUEUE_COMMIT_FAILED`, `QUEUE_ACK_FAILED`, `QUEUE_SYNC_FAILED`, `QUEUE_CLOSED` or `QUEUE_OUTPUT_UNKNOWN`. */
    readonly code: string,
    message: string,
    /** Process that holds the lock, given with `QUEUE_LOCKED` when that process still runs. */
    readonly lock_owner?: { pid: number; queue_path: string; lock_path: string },
  ) {
    super(message);
  }
}
