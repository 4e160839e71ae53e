/**
 * The newest events of the live feed, kept for clients that reconnect, bounded by count and by length.
 * Lengths are in characters, as the feed's send buffer limit is checked, which equal bytes for ASCII
 * text. Sequence numbers are consecutive, so the history can tell whether it contains every event
 * after a given one.
 */

/** Frames after a sequence number, with their total length in characters. */
export interface MissedEvents {
  frames: string[];
  bytes: number;
}

/** Dropped slots at the front that trigger compaction of the array, once they are also half of it. */
const COMPACT_AFTER = 1024;

export class ReplayHistory {
  /** Kept frames from index `start` on; slots before it were dropped and wait for compaction. */
  private frames: string[] = [];
  private start = 0;
  /** Sequence number of `frames[start]`, or of the next frame while none is kept. */
  private firstSequence = 1;
  private bytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  /** Number of frames kept. */
  get size(): number {
    return this.frames.length - this.start;
  }

  /**
   * Keeps the frame of event `sequence`, the one after the last added or skipped, and drops the oldest
   * frames beyond the bounds.
   */
  add(sequence: number, frame: string): void {
    if (this.size === 0) this.firstSequence = sequence;
    this.frames.push(frame);
    this.bytes += frame.length;
    while (this.size > 0 && (this.size > this.maxEvents || this.bytes > this.maxBytes)) {
      this.bytes -= (this.frames[this.start] as string).length;
      this.start += 1;
      this.firstSequence += 1;
    }
    if (this.start > COMPACT_AFTER && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.start = 0;
    }
  }

  /**
   * Returns the frames of the events after `sequence`, or undefined when some of them are no longer
   * kept, or `sequence` is newer than every event so far.
   */
  after(sequence: number): MissedEvents | undefined {
    if (sequence < this.firstSequence - 1 || sequence >= this.firstSequence + this.size) return undefined;
    const frames = this.frames.slice(this.start + sequence + 1 - this.firstSequence);
    let bytes = 0;
    for (const frame of frames) bytes += frame.length;
    return { frames, bytes };
  }

  /** Records that event `sequence` was not kept: every earlier frame goes, because the run of events has a gap. */
  skip(sequence: number): void {
    if (this.frames.length > 0) {
      this.frames = [];
      this.start = 0;
      this.bytes = 0;
    }
    this.firstSequence = sequence + 1;
  }
}
