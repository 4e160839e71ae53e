import type { Logger } from 'pino';

/**
 * Logs a repeated fault once per interval and key (a topic, a device), then reports how many were
 * suppressed, so a device that sends garbage every second cannot flood the log.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly interval_ms = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    this.write('warn', key, fields, message);
  }

  error(key: string, fields: Record<string, unknown>, message: string): void {
    this.write('error', key, fields, message);
  }

  private write(level: 'warn' | 'error', key: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.interval_ms) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(key, { at: now, suppressed: 0 });
    if (this.last.size > 10_000) this.forgetOldest();
    this.log[level](suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }

  private forgetOldest(): void {
    const oldest = this.last.keys().next().value;
    if (oldest !== undefined) this.last.delete(oldest);
  }
}
