/** Depth of the queue in points and bytes, checked against its limits. */

/** Points and bytes held. */
export interface QueueSize {
  points: number;
  bytes: number;
}

/** Tracks the queue's size in memory; the queue adds on insert and subtracts on delete. */
export class QueueCapacity {
  readonly size: QueueSize = { points: 0, bytes: 0 };

  constructor(
    private readonly max_points: number,
    private readonly max_bytes: number,
  ) {}

  /** True when `points` more points of `bytes` bytes fit within both limits. */
  fits(points: number, bytes: number): boolean {
    return this.size.points + points <= this.max_points && this.size.bytes + bytes <= this.max_bytes;
  }

  /** True when the queue is over either limit. */
  over(): boolean {
    return this.size.points > this.max_points || this.size.bytes > this.max_bytes;
  }

  add(points: number, bytes: number): void {
    this.size.points += points;
    this.size.bytes += bytes;
  }

  /** Sets the size to what the file contains, after a failed transaction left it uncertain. */
  set(points: number, bytes: number): void {
    this.size.points = points;
    this.size.bytes = bytes;
  }

  remove(points: number, bytes: number): void {
    this.size.points = Math.max(0, this.size.points - points);
    this.size.bytes = Math.max(0, this.size.bytes - bytes);
  }

  /** Describes the limits for log messages. */
  describe(): string {
    return `max_queue_points ${this.max_points}, max_queue_bytes ${this.max_bytes}`;
  }
}
