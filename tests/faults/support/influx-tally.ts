/** Counts points in a test influxd by `seq`, to tally loss and duplicates against what was sent. */
import type { Influxd } from '../../harness/influxd.js';

/** One series of a /query result. */
interface QuerySeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** Returns the rows of the first series of a /query result as objects keyed by column. */
// biome-ignore lint/suspicious/noExplicitAny: the /query JSON shape depends on the statement.
export function rows(result: any): Record<string, unknown>[] {
  const series = result.results?.[0]?.series?.[0];
  if (series === undefined) return [];
  return series.values.map((values: unknown[]) =>
    Object.fromEntries(series.columns.map((column: string, index: number) => [column, values[index]])),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the /query JSON shape depends on the statement.
function allSeries(result: any): QuerySeries[] {
  return (result.results?.[0]?.series ?? []) as QuerySeries[];
}

/** A stored point with a sequence number. */
export interface StoredSeq {
  device: string;
  seq: number;
  time_ms: number;
}

/** Returns every stored point that has a `seq` field, from every device measurement (not `gateway_*`). */
export async function storedSequences(influxd: Influxd, db: string): Promise<StoredSeq[]> {
  const measurements = allSeries(await influxd.query('SHOW MEASUREMENTS', db)).flatMap((series) =>
    series.values.map((value) => String(value[0])),
  );
  const stored: StoredSeq[] = [];
  for (const measurement of measurements.filter((name) => !name.startsWith('gateway_'))) {
    const result = await influxd.query(`SELECT seq FROM "${measurement}" WHERE seq > 0 GROUP BY "device"`, db);
    for (const series of allSeries(result)) {
      const device = series.tags?.device ?? '';
      for (const [time, seq] of series.values)
        stored.push({ device, seq: Number(seq), time_ms: Date.parse(String(time)) });
    }
  }
  return stored;
}

/** Loss and duplicate counts against the sequence numbers the simulators sent. */
export interface Tally {
  sent: number;
  /** Distinct (device, seq) pairs stored. */
  stored: number;
  /** Sent (device, seq) pairs not stored, as `device#seq`. */
  missing: string[];
  /** Extra timestamps stored for one (device, seq): a replay that did not overwrite itself. */
  duplicates: number;
}

/**
 * Compares stored points with the sent sequence numbers. Points of one message that share a timestamp
 * (reefer compartments) count once, so a duplicate is a (device, seq) stored at more than one time.
 */
export function tally(sent: ReadonlyMap<string, ReadonlySet<number>>, stored: readonly StoredSeq[]): Tally {
  const times = new Map<string, Set<number>>();
  for (const { device, seq, time_ms } of stored) {
    const key = `${device}#${seq}`;
    let seen = times.get(key);
    if (seen === undefined) {
      seen = new Set();
      times.set(key, seen);
    }
    seen.add(time_ms);
  }
  const missing: string[] = [];
  let sentCount = 0;
  for (const [device, seqs] of sent) {
    for (const seq of seqs) {
      sentCount += 1;
      if (!times.has(`${device}#${seq}`)) missing.push(`${device}#${seq}`);
    }
  }
  let duplicates = 0;
  for (const seen of times.values()) duplicates += seen.size - 1;
  return { sent: sentCount, stored: times.size, missing, duplicates };
}

/** Tallies again every 250 ms until nothing sent is missing from `db` or `timeout_ms` has passed. */
export async function waitForStored(
  influxd: Influxd,
  db: string,
  sent: ReadonlyMap<string, ReadonlySet<number>>,
  timeout_ms: number,
): Promise<Tally> {
  const deadline = Date.now() + timeout_ms;
  let result = tally(sent, await storedSequences(influxd, db));
  while (result.missing.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    result = tally(sent, await storedSequences(influxd, db));
  }
  return result;
}
