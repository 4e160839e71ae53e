/**
 * Local calendar dates and midnights in an IANA time zone, computed with the Intl API so that no time
 * zone database has to ship with the gateway.
 */

/** Returns the IANA time zone of this process as Intl resolves it (the TZ variable or the system setting). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Returns true when Intl accepts `zone` as a time zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Year, month, day, hour, minute and second of instant `ms` on the wall clock of `zone`. */
function wallClock(ms: number, zone: string): number[] {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fields = new Map<string, number>(format.formatToParts(ms).map((part) => [part.type, Number(part.value)]));
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((type) => fields.get(type) ?? 0);
}

/** Offset of `zone` from UTC at instant `ms`, in milliseconds, positive east of Greenwich. */
function offsetMs(ms: number, zone: string): number {
  const [year, month, day, hour, minute, second] = wallClock(ms, zone) as [number, ...number[]];
  const asUtc = Date.UTC(year, month! - 1, day, hour, minute, second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Returns the calendar date `YYYY-MM-DD` in `zone` at instant `ms`. */
export function localDate(ms: number, zone: string): string {
  const [year, month, day] = wallClock(ms, zone) as [number, number, number];
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Returns the instant, in ms since the epoch, at which date `YYYY-MM-DD` starts in `zone`. The second
 * step corrects the offset when a daylight-saving change lies between UTC midnight and local midnight.
 * NOTE: in a zone whose clocks skip midnight itself, the result is off by the size of that skip.
 */
export function localMidnightMs(date: string, zone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const guess = utcMidnight - offsetMs(utcMidnight, zone);
  return utcMidnight - offsetMs(guess, zone);
}

/** Returns the calendar date `days` days after date `YYYY-MM-DD`, or before it for a negative count. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
