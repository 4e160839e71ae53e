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

  it('writes four 50,000-point pages', async () => {
    const sink = new InfluxWorkerSink({ url: `${influxd.url}/pages`, writes_in_flight: 2 }, '/nonexistent/queue.db');
    await sink.start();
    const abort = new AbortController();
    const failures: string[] = [];
    sink.on('write_error', ({ error }: { error: Error }) => failures.push(error.message));
    // The queue consumer hands over `pages_in_flight` pages before the first settles. Each page here is
    // about 12 MB of line protocol, so four at once would not fit in the worker's heap.
    const pages = [1, 2, 3, 4].map((id) => sink.deliverRows([longLineRow(id, 50_000)], abort.signal));
    const reports = await Promise.all(pages);
    await sink.stop();
    expect(sink.pages_in_flight).toBe(4);
    expect(reports.map((report) => report.written)).toEqual([50_000, 50_000, 50_000, 50_000]);
    expect(failures).toEqual([]);
    const result = await influxd.query('SELECT count(seq) FROM reefer_zone', 'pages');
    expect(result.results[0].series[0].values[0][1]).toBe(200_000);
  }, 120_000);
});
