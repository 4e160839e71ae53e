import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TIME_MS } from '../../../gateway/api/schemas.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);
/** Texts that parse as Infinity, -Infinity and a finite number far beyond any bound. */
const OUT_OF_RANGE = ['1e400', '-1e400', '1e308'];

const ORDER = {
  merchant_id: 'merchant-a',
  pickup_site_id: 'merchant-a',
  delivery_site_id: 'station-1',
  temperature_class: 'chilled',
  weight_kg: 120,
  volume_m3: 0.8,
  pickup_window: { start: '20:00', end: '23:00' },
  delivery_window: { start: '22:00', end: '30:00' },
};

interface Envelope {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

describe('numeric api parameters', () => {
  let fixture: ApiFixture;
  let base: string;

  beforeAll(async () => {
    fixture = await createApiFixture();
    await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(fixture.app.server.address() as AddressInfo).port}`;
    fixture.publish(roomReading(START_MS, 4));
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const queryCases = [
    { parameter: 'from_ms', range: `, at least 0 and at most ${MAX_TIME_MS}` },
    { parameter: 'to_ms', range: `, at least 0 and at most ${MAX_TIME_MS}` },
    { parameter: 'max_points', range: ', at least 10 and at most 5000' },
  ];
  const paths = ['/api/v1/history?device=room-1&field=air_temp_c', '/api/v1/assets/room-1/chart?'];

  for (const path of paths) {
    for (const { parameter, range } of queryCases) {
      for (const text of OUT_OF_RANGE) {
        it(`rejects ${parameter}=${text} on ${path.split('?')[0]}`, async () => {
          const separator = path.endsWith('?') ? '' : '&';
          const response = await fetch(`${base}${path}${separator}${parameter}=${text}`);
          const body = (await response.json()) as Envelope;
          expect(response.status).toBe(400);
          expect(body.error.code).toBe('API_VALIDATION_FAILED');
          expect(body.error.details).toHaveLength(1);
          expect(body.error.details?.[0]?.field).toBe(`query.${parameter}`);
          expect(body.error.details?.[0]?.message).toBe(`must be a finite integer${range}; got ${Number(text)}`);
          expect(body.error.message).toContain(`query.${parameter} must be a finite integer${range}`);
        });
      }
    }
  }

  it('accepts the latest time', async () => {
    const url = `${base}/api/v1/history?device=room-1&field=air_temp_c&from_ms=${MAX_TIME_MS - 1000}&to_ms=${MAX_TIME_MS}`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { series: unknown[] }).series).toEqual([]);
  });

  it('rejects a time after the latest', async () => {
    const response = await fetch(`${base}/api/v1/history?device=room-1&field=air_temp_c&to_ms=${MAX_TIME_MS + 1}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Envelope).error.details?.[0]?.field).toBe('query.to_ms');
  });

  it('still returns a valid range', async () => {
    const url = `${base}/api/v1/history?device=room-1&field=air_temp_c&from_ms=${START_MS - 1000}&to_ms=${START_MS + 1000}`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { series: { points: { value: number }[] }[] };
    expect(body.series[0]?.points.map((point) => point.value)).toEqual([4]);
  });

  const bodyCases = [
    { field: 'weight_kg', range: ', greater than 0 and at most 40000' },
    { field: 'volume_m3', range: ', greater than 0 and at most 100' },
    { field: 'priority', range: ', greater than 0 and at most 100' },
  ];

  for (const { field, range } of bodyCases) {
    for (const text of OUT_OF_RANGE) {
      it(`rejects ${field} ${text} in an order`, async () => {
        // JSON.stringify writes Infinity as null, so the number text is spliced into the body. The server's
        // JSON.parse reads 1e400 as Infinity.
        const json = JSON.stringify({ ...ORDER, [field]: 0 }).replace(`"${field}":0`, `"${field}":${text}`);
        const response = await fetch(`${base}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json,
        });
        const body = (await response.json()) as Envelope;
        expect(response.status).toBe(400);
        expect(body.error.code).toBe('API_VALIDATION_FAILED');
        expect(body.error.details).toHaveLength(1);
        expect(body.error.details?.[0]?.field).toBe(`body.${field}`);
        expect(body.error.details?.[0]?.message).toBe(`must be a finite number${range}; got ${Number(text)}`);
      });
    }
  }
});
