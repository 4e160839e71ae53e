/** Readings and waits shared by the InfluxDB delivery tests. */
import type { Reading } from '../../../../gateway/reading.js';
import { rows } from '../../../faults/support/influx-tally.js';
import type { Influxd } from '../../../harness/influxd.js';

export const BASE_TIME_MS = 1_764_864_000_000;

/** Returns reading number `seq` of device room-1, one second after the previous one, with `seq` as an integer field. */
export function reading(seq: number, fields: Reading['fields'] = { air_temp_c: 2.5 + seq / 10 }): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device: 'room-1' },
    fields: { ...fields, seq },
    integer_fields: new Set(['seq']),
    time_ms: BASE_TIME_MS + seq * 1000,
    time_source: 'source',
    sequence: seq,
  };
}

/** Counts the stored values of `field` in the cold_room measurement of database `db`. */
export async function count(influxd: Influxd, db: string, field = 'seq'): Promise<number> {
  return Number(rows(await influxd.query(`SELECT count(${field}) FROM cold_room`, db))[0]?.count ?? 0);
}

/** Polls `check` every 50 ms until it returns true; throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
