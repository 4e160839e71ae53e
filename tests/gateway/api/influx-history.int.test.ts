import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxHistory } from '../../../gateway/api/history/influx-history.js';
import { toLine } from '../../../gateway/outputs/line-protocol.js';
import type { Reading } from '../../../gateway/reading.js';
import { freePort } from '../../harness/free-port.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';
import { type ApiFixture, createApiFixture, roomReading, truckReading } from './api-fixture.js';

const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);
const HOUR_MS = 3_600_000;

/**
 * Two hours of room-1 at one reading a minute, values 0..119, a door open at minutes 30-32, two truck
 * compartments and one room-1 reading of another site.
 */
function readings(): Reading[] {
  const list: Reading[] = [];
  for (let i = 0; i < 120; i++) list.push(roomReading(START_MS + i * 60_000, i, i >= 30 && i < 33));
  list.push(truckReading(START_MS, 'front', -18), truckReading(START_MS, 'rear', 4));
  // The same device id written by a gateway of another site into the same database.
  list.push({ ...roomReading(START_MS + 90_000, 999), tags: { site: 'south-hub', asset: 'room-1', device: 'room-1' } });
  return list;
}

describe('influx history', () => {
  let influxd: Influxd;
  let fromInflux: ApiFixture;
  let fromStore: ApiFixture;

  beforeAll(async () => {
    influxd = await startInfluxd();
    await influxd.query('CREATE DATABASE "cold pool"');
    const body = readings()
      .map((reading) => toLine(reading).line)
      .join('\n');
    const response = await fetch(`${influxd.url}/write?db=${encodeURIComponent('cold pool')}&precision=ms`, {
      method: 'POST',
      body,
    });
    expect(response.status).toBe(204);
    fromInflux = await createApiFixture({}, new InfluxHistory({ url: `${influxd.url}/cold%20pool` }));
    fromStore = await createApiFixture();
    for (const reading of readings()) fromStore.publish(reading);
  });

  afterAll(async () => {
    await fromInflux?.close();
    await fromStore?.close();
    await influxd?.stop();
  });

  const urls = [
    `/api/v1/history?device=room-1&field=air_temp_c&from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}&max_points=100`,
    `/api/v1/history?device=room-1&field=air_temp_c&from_ms=${START_MS}&to_ms=${START_MS + 2 * HOUR_MS - 1}&max_points=12`,
    `/api/v1/history?device=truck-1&field=box_temp_c&from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}`,
    `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + 2 * HOUR_MS - 1}&max_points=12`,
  ];

  for (const url of urls) {
    it(`matches the local store for ${url.split('?')[0]} ${url.includes('max_points=12') ? 'bucketed' : 'raw'}`, async () => {
      const influxBody = (await fromInflux.app.inject({ url })).json();
      const storeBody = (await fromStore.app.inject({ url })).json();
      const bySeries = (series: Array<{ tags: Record<string, string> }>) =>
        [...series].sort((left, right) => JSON.stringify(left.tags).localeCompare(JSON.stringify(right.tags)));
      expect(influxBody.bucket_ms).toBe(storeBody.bucket_ms);
      expect(bySeries(influxBody.series)).toEqual(bySeries(storeBody.series));
      if (influxBody.periods) expect(influxBody.periods).toEqual(storeBody.periods);
      if (influxBody.mkt_c !== undefined) expect(influxBody.mkt_c).toBeCloseTo(storeBody.mkt_c, 9);
    });
  }

  it('reports influx as the source', async () => {
    const body = (await fromInflux.app.inject({ url: urls[0] as string })).json();
    expect(body.source).toBe('influx');
  });

  it('reads only the device site', async () => {
    const body = (await fromInflux.app.inject({ url: urls[0] as string })).json();
    const sites = body.series.map((series: { tags: { site: string } }) => series.tags.site);
    expect(sites).toEqual(['north-hub']);
  });

  it('reads another site on request', async () => {
    const url = `/api/v1/history?device=room-1&field=air_temp_c&site=south-hub&from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}`;
    const body = (await fromInflux.app.inject({ url })).json();
    expect(body.series).toHaveLength(1);
    expect(body.series[0].points).toEqual([{ time_ms: START_MS + 90_000, value: 999 }]);
  });

  it('returns upstream failed when influxdb is down', async () => {
    const down = await createApiFixture(
      {},
      new InfluxHistory({ url: `http://127.0.0.1:${await freePort()}/coldpool`, timeout_ms: 2000 }),
    );
    const response = await down.app.inject({ url: urls[0] as string });
    await down.close();
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('API_UPSTREAM_FAILED');
    expect(response.json().error.message).toContain('failed: ECONNREFUSED');
    expect(response.json().error.message).toContain('check that influxd is running');
  });

  it('returns upstream failed for a missing database', async () => {
    const missing = await createApiFixture({}, new InfluxHistory({ url: `${influxd.url}/nothing` }));
    const response = await missing.app.inject({ url: urls[0] as string });
    await missing.close();
    expect(response.json().error).toMatchObject({ code: 'API_UPSTREAM_FAILED' });
    expect(response.json().error.message).toContain('database not found');
  });
});

describe('influx history failures', () => {
  let silent: Server | undefined;

  afterAll(async () => {
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('names the timeout and its key', async () => {
    // A TCP server that accepts connections and never replies, as a stopped (SIGSTOP) influxd does.
    const sockets: Socket[] = [];
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const history = new InfluxHistory({
      url: `http://reader:s3cret@127.0.0.1:${port}/coldpool`,
      timeout_ms: 300,
      timeout_key: 'outputs.influx.timeout_ms',
    });
    const fixture = await createApiFixture({}, history);
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1&field=air_temp_c' });
    await fixture.close();
    for (const socket of sockets) socket.destroy();
    const message: string = response.json().error.message;
    expect(response.statusCode).toBe(502);
    expect(message).toContain(`http://127.0.0.1:${port}/query timed out after 300 ms (outputs.influx.timeout_ms)`);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('reader');
  });
});
