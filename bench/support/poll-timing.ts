/**
 * Counts the scheduled polls of Modbus devices from their `device_health` points. The drivers poll on a
 * fixed grid of slots, one slot per poll interval, and count a poll on time when it started in its slot
 * and returned a sample before the slot ended (devices/modbus/poll-schedule.ts). This class sums the
 * change of those per-device counters since the last `reset()`, so "on time" means what an operator
 * means by "each device read once per interval": one reading per device per slot.
 */
import type { Reading } from '../../gateway/reading.js';

/** Counters of one device, as its last `device_health` point carried them. */
interface DeviceCounters {
  polls_on_time: number;
  polls_ok: number;
  polls_failed: number;
  slots_skipped: number;
}

/** Changes since `reset()`, summed over every device. */
export interface PollCounts {
  /** Polls that returned a sample within their slot. */
  on_time: number;
  /** Polls that returned a sample after their slot ended. */
  late: number;
  /** Polls that returned no sample. */
  failed: number;
  /** Slots in which no poll started. */
  skipped: number;
  /** Time since `reset()`, in milliseconds. */
  elapsed_ms: number;
}

const COUNTERS = ['polls_on_time', 'polls_ok', 'polls_failed', 'slots_skipped'] as const;

export class PollTiming {
  private readonly latest = new Map<string, DeviceCounters>();
  private baseline = new Map<string, DeviceCounters>();
  private resetAt = Date.now();

  /** Stores the counters of one `device_health` point; points without them are ignored. */
  record(point: Reading): void {
    const device = point.tags.device;
    if (device === undefined) return;
    const counters: Partial<DeviceCounters> = {};
    for (const name of COUNTERS) {
      const value = point.fields[name];
      if (typeof value !== 'number') return;
      counters[name] = value;
    }
    this.latest.set(device, counters as DeviceCounters);
  }

  /** Starts counting from the counters stored so far. */
  reset(): void {
    this.baseline = new Map(this.latest);
    this.resetAt = Date.now();
  }

  /** Sums each counter's change since `reset()` over every device. */
  counts(): PollCounts {
    const sum = { polls_on_time: 0, polls_ok: 0, polls_failed: 0, slots_skipped: 0 };
    for (const [device, now] of this.latest) {
      const before = this.baseline.get(device);
      for (const name of COUNTERS) sum[name] += now[name] - (before?.[name] ?? 0);
    }
    return {
      on_time: sum.polls_on_time,
      late: sum.polls_ok - sum.polls_on_time,
      failed: sum.polls_failed,
      skipped: sum.slots_skipped,
      elapsed_ms: Date.now() - this.resetAt,
    };
  }
}
