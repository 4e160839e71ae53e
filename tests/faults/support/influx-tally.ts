/** Counts points in a test influxd by `seq`, to tally loss and duplicates against what was sent. */
import type { Influxd } from '../../harness/influxd.js';

/** Returns the rows of the first series of a /query result as objects keyed by column. */
// biome-ignore lint/suspicious/noExplicitAny: the /query JSON shape depends on the statement.
export function rows(result: any): Record<string, unknown>[] {
  const series = result.results?.[0]?.series?.[0];
  if (series === undefined) return [];
  return series.values.map((values: unknown[]) =>
    Object.fromEntries(series.columns.map((column: string, index: number) => [column, values[index]])),
  );
}

/** Returns every (device, seq) pair stored in `measurement`, one entry per stored point. */
export async function storedSequences(
  influxd: Influxd,
  db: string,
  measurement: string,
): Promise<Array<{ device: string; seq: number; time: number }>> {
  const result = await influxd.query(`SELECT seq, device FROM "${measurement}"`, db);
  return rows(result).map((row) => ({
    device: String(row.device),
    seq: Number(row.seq),
    time: Date.parse(String(row.time)),
  }));
}

/** Loss and duplicate counts of one device: `sent` is the set of sequence numbers the simulator published. */
export interface Tally {
  sent: number;
  stored: number;
  missing: number[];
  duplicates: number;
}

/** Compares stored sequence numbers with the sent ones. A duplicate is a seq stored at more than one timestamp. */
export function tally(sent: ReadonlySet<number>, stored: readonly { seq: number }[]): Tally {
  const counts = new Map<number, number>();
  for (const { seq } of stored) counts.set(seq, (counts.get(seq) ?? 0) + 1);
  const missing = [...sent].filter((seq) => !counts.has(seq)).sort((left, right) => left - right);
  let duplicates = 0;
  for (const count of counts.values()) duplicates += count - 1;
  return { sent: sent.size, stored: stored.length, missing, duplicates };
}
