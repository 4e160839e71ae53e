/**
 * Counts polls on time per device: a reading is on time when it arrives no later than one poll interval
 * plus 20% after the previous reading of the same device. The first reading after `reset()` only sets the
 * reference. A missed poll shows as one late reading, and as one reading fewer than expected.
 */
export class PollTiming {
  private readonly last = new Map<string, number>();
  private onTime = 0;
  private late = 0;

  constructor(private readonly interval_ms: number) {}

  record(device: string, time_ms: number): void {
    const previous = this.last.get(device);
    this.last.set(device, time_ms);
    if (previous === undefined) return;
    if (time_ms - previous <= this.interval_ms * 1.2) this.onTime++;
    else this.late++;
  }

  reset(): void {
    this.onTime = 0;
    this.late = 0;
  }

  counts(): { on_time: number; late: number } {
    return { on_time: this.onTime, late: this.late };
  }
}
