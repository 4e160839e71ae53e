/**
 * Idle and stolen shares of the machine's CPU time between two readings of /proc/stat (proc(5)). Steal is
 * the time the hypervisor gave to other guests. On a shared virtual machine a run's rates fall as steal
 * rises, so runs are comparable only with their steal.
 */
import { readFileSync } from 'node:fs';

/** Cumulative times of the `cpu` line of /proc/stat, in clock ticks, summed over all cores. */
export interface CpuTimes {
  total: number;
  /** Idle time plus iowait. */
  idle: number;
  steal: number;
}

/** Shares of all CPU time between two readings, from 0 to 1. */
export interface CpuShares {
  idle: number;
  steal: number;
}

/**
 * Parses the first line of /proc/stat: `cpu user nice system idle iowait irq softirq steal guest
 * guest_nice`. guest and guest_nice are already counted in user and nice, so they are left out of the
 * total. Throws when the text has no `cpu` line.
 */
export function parseCpuTimes(procStat: string): CpuTimes {
  const line = procStat.split('\n').find((text) => text.startsWith('cpu '));
  if (line === undefined) throw new Error('no "cpu" line in /proc/stat text; is this Linux?');
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

/** Shares of idle and stolen time from `before` to `after`; zero shares when no tick passed. */
export function cpuShares(before: CpuTimes, after: CpuTimes): CpuShares {
  const total = after.total - before.total;
  if (total <= 0) return { idle: 0, steal: 0 };
  return { idle: (after.idle - before.idle) / total, steal: (after.steal - before.steal) / total };
}

/** Reads the machine's CPU times now. */
export function readCpuTimes(): CpuTimes {
  return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
}

/** Formats a share as a whole percentage: `12%`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
