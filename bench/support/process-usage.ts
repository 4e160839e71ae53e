/** Resident memory and CPU time of any process on this machine, read from Linux /proc (proc(5)). */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat times; 100 on Linux x86-64 (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_S = 100;

/** One reading of a process's usage. */
export interface ProcessUsage {
  /** Resident set size, bytes. */
  rss_bytes: number;
  /** User plus system CPU time since the process started, milliseconds. */
  cpu_ms: number;
}

/** Reads VmRSS from /proc/PID/status and utime + stime from /proc/PID/stat. Throws when the process is gone. */
export function processUsage(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces, so split after its closing parenthesis: utime and stime are
  // fields 14 and 15, the 12th and 13th after it.
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(after[11]) + Number(after[12]);
  return { rss_bytes: rssKb * 1024, cpu_ms: (ticks * 1000) / CLOCK_TICKS_PER_S };
}

/** Tracks peak RSS and CPU share of one process between `start()` and `stop()`, sampling every `every_ms`. */
export class UsageSampler {
  private timer: NodeJS.Timeout | undefined;
  private first: ProcessUsage | undefined;
  private last: ProcessUsage | undefined;
  private firstAt = 0;
  private lastAt = 0;
  private peakRss = 0;

  constructor(
    readonly pid: number,
    private readonly every_ms = 250,
  ) {}

  start(): void {
    this.first = processUsage(this.pid);
    this.firstAt = Date.now();
    this.peakRss = this.first.rss_bytes;
    this.timer = setInterval(() => this.sample(), this.every_ms);
  }

  /** Stops sampling; returns peak RSS in bytes and CPU use as a share of one core (1.0 = one core busy). */
  stop(): { peak_rss_bytes: number; cpu_cores: number } {
    clearInterval(this.timer);
    this.sample();
    const elapsed = this.lastAt - this.firstAt;
    const cpu = this.last !== undefined && this.first !== undefined ? this.last.cpu_ms - this.first.cpu_ms : 0;
    return { peak_rss_bytes: this.peakRss, cpu_cores: elapsed > 0 ? cpu / elapsed : 0 };
  }

  private sample(): void {
    try {
      this.last = processUsage(this.pid);
      this.lastAt = Date.now();
      this.peakRss = Math.max(this.peakRss, this.last.rss_bytes);
    } catch {
      // The process exited; the last sample stands.
    }
  }
}

/** Returns the pid of this process's child whose command name (/proc/PID/comm) is `name`. Throws when none. */
export function childPidByName(name: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === name && parent === process.pid) return Number(entry);
    } catch {
      // The process exited while the list was read.
    }
  }
  throw new Error(`no child process named ${name} of pid ${process.pid}; was it started by this process?`);
}
