import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxWorkerSink } from '../../../gateway/outputs/influx-worker-sink.js';
import type { LineRow } from '../../../gateway/queue/queue-store.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';

/** Builds one queue row of `points` lines of about 250 characters, each with its own series and time. */
function longLineRow(id: number, points: number): LineRow {
  const lines: string[] = [];
  for (let i = 0; i < points; i++) {
    const zone = i % 40;
    const time_ms = 1_790_000_000_000 + id * 100_000 + Math.floor(i / 40);
    lines.push(
      `reefer_zone,asset=truck-r,device=reefer-1,site=testsite,zone=${zone} power="on",mode="cool",` +
        `setpoint=-20,return_air=-19.4,supply_air=-21.8,ambient_temp=31.2,fuel_level=64,battery_v=13.4,` +
        `engine_on=true,door_open=false,seq=${id * 100_000 + i}i ${time_ms}`,
    );
  }
  return { id, enqueued_ms: 0, points, lines: lines.join('\n'), body: null };
}

describe('InfluxWorkerSink with large pages', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });

  afterAll(async () => {
    await influxd.stop();
  });

  /** Hands `pages` pages of `points` long lines to a new sink at once and returns what it reported. */
  async function writePages(database: string, pages: number, points: number, writes_in_flight: number) {
    const sink = new InfluxWorkerSink({ url: `${influxd.url}/${database}`, writes_in_flight }, '/nonexistent/queue.db');
    await sink.start();
    const abort = new AbortController();
    const failures: string[] = [];
    sink.on('write_error', ({ error }: { error: Error }) => failures.push(error.message));
    // The queue consumer hands over `pages_in_flight` pages before the first settles, each page here
    // about 250 characters a line, so all of them at once would not fit in the worker's heap.
    const ids = Array.from({ length: pages }, (_, index) => index + 1);
    const reports = await Promise.all(ids.map((id) => sink.deliverRows([longLineRow(id, points)], abort.signal)));
    await sink.stop();
    const result = await influxd.query('SELECT count(seq) FROM reefer_zone', database);
    return { reports, failures, count: result.results[0].series[0].values[0][1] as number };
  }

  it('writes four 50,000-point pages', async () => {
    const { reports, failures, count } = await writePages('pages_4x50k', 4, 50_000, 2);
    expect(reports.map((report) => report.written)).toEqual([50_000, 50_000, 50_000, 50_000]);
    expect(failures).toEqual([]);
    expect(count).toBe(200_000);
  }, 120_000);

  it('writes eight large pages at writes_in_flight 8', async () => {
    const { reports, failures, count } = await writePages('pages_8x50k', 8, 50_000, 8);
    expect(reports.every((report) => report.written === 50_000)).toBe(true);
    expect(failures).toEqual([]);
    expect(count).toBe(400_000);
  }, 180_000);

  it('writes two 100,000-point pages', async () => {
    const { reports, failures, count } = await writePages('pages_2x100k', 2, 100_000, 2);
    expect(reports.map((report) => report.written)).toEqual([100_000, 100_000]);
    expect(failures).toEqual([]);
    expect(count).toBe(200_000);
  }, 120_000);
});
