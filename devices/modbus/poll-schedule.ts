/**
 * The fixed grid of poll slots of one device: slot k starts at `origin_ms + k × interval_ms`. A poll
 * starts at the start of its slot, so the slots never drift with poll durations or timer delays. A poll
 * that ends after its slot ended, a back-off, or a timer that fires after its slot ended skips slots,
 * and the next poll starts at the next slot that has not begun.
 */

/** Slot of one poll and the poll's delay within it. */
export interface SlotStart {
  /** Start of the slot the poll runs in, integer milliseconds since the epoch. */
  slot_ms: number;
  /** Time from the start of the slot to the start of the poll, in milliseconds. */
  lag_ms: number;
  /** Slots that ended before this poll started because the timer fired late. */
  skipped: number;
}

/** The slot after a poll. */
export interface NextSlot {
  /** Start of the slot the next poll runs in, integer milliseconds since the epoch. */
  slot_ms: number;
  /** Slots between the poll's slot and the next one, in which no poll starts. */
  skipped: number;
}

export class PollSchedule {
  /** Start of the slot the next poll runs in. */
  private nextSlotMs: number;

  /** Starts the grid at `origin_ms`, the start of the first slot. */
  constructor(
    private readonly interval_ms: number,
    private readonly origin_ms: number,
  ) {
    this.nextSlotMs = origin_ms;
  }

  /** Start of the next planned slot, integer milliseconds since the epoch. */
  get nextSlot(): number {
    return this.nextSlotMs;
  }

  /**
   * Places a poll that starts at `now_ms`. When the timer fired after the planned slot ended, the poll
   * runs in the slot that contains `now_ms` and the slots in between count as skipped.
   */
  begin(now_ms: number): SlotStart {
    const planned = this.nextSlotMs;
    const slot_ms = now_ms >= planned + this.interval_ms ? this.slotContaining(now_ms) : planned;
    return { slot_ms, lag_ms: Math.max(0, now_ms - slot_ms), skipped: (slot_ms - planned) / this.interval_ms };
  }

  /**
   * Plans the next poll after the poll in slot `slot_ms` ended at `end_ms`: the first slot that starts
   * at or after both `end_ms` and `slot_ms + wait_ms` (the poll interval, or a back-off after failures).
   */
  advance(slot_ms: number, end_ms: number, wait_ms: number): NextSlot {
    const earliest = Math.max(end_ms, slot_ms + Math.max(wait_ms, this.interval_ms));
    const next = this.firstSlotFrom(earliest);
    this.nextSlotMs = next;
    return { slot_ms: next, skipped: (next - slot_ms) / this.interval_ms - 1 };
  }

  /** Checks whether a poll in slot `slot_ms` that ended at `end_ms` ended before its slot did. */
  endedInSlot(slot_ms: number, end_ms: number): boolean {
    return end_ms < slot_ms + this.interval_ms;
  }

  private slotContaining(time_ms: number): number {
    return this.origin_ms + Math.floor((time_ms - this.origin_ms) / this.interval_ms) * this.interval_ms;
  }

  private firstSlotFrom(time_ms: number): number {
    return this.origin_ms + Math.ceil((time_ms - this.origin_ms) / this.interval_ms) * this.interval_ms;
  }
}
