import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture, roomReading, truckReading } from './api-fixture.js';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);

describe('history routes', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('returns raw points for a short range', async () => {
    for (let i = 0; i < 5; i++) fixture.publish(roomReading(START_MS + i * 60_000, 2 + i));
    const body = (
      await fixture.app.inject({
        url: `/api/v1/history?device=room-1&field=air_temp_c&from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}`,
      })
    ).json();
    expect(body.bucket_ms).toBeNull();
    expect(body.source).toBe('local_store');
    expect(body.series[0].points.map((point: { value: number }) => point.value)).toEqual([2, 3, 4, 5, 6]);
  });

  it('buckets a range longer than max_points', async () => {
    // One point a minute for 2 h, values 0..119: 10-minute buckets hold 10 values each.
    for (let i = 0; i < 120; i++) fixture.publish(roomReading(START_MS + i * 60_000, i));
    const url = `/api/v1/history?device=room-1&field=air_temp_c&from_ms=${START_MS}&to_ms=${START_MS + 2 * HOUR_MS - 1}&max_points=12`;
    const body = (await fixture.app.inject({ url })).json();
    expect(body.bucket_ms).toBe(600_000);
    expect(body.series[0].points).toHaveLength(12);
    expect(body.series[0].points[1]).toEqual({ time_ms: START_MS + 600_000, min: 10, mean: 14.5, max: 19, count: 10 });
  });

  it('keeps compartments as separate series', async () => {
    fixture.publish(truckReading(START_MS, 'front', -18));
    fixture.publish(truckReading(START_MS, 'rear', 4));
    const body = (
      await fixture.app.inject({
        url: `/api/v1/history?device=truck-1&field=box_temp_c&from_ms=${START_MS}&to_ms=${START_MS + 1000}`,
      })
    ).json();
    const compartments = body.series.map((series: { tags: { compartment: string } }) => series.tags.compartment).sort();
    expect(compartments).toEqual(['front', 'rear']);
  });

  it('reads only the device site by default', async () => {
    fixture.publish(roomReading(START_MS, 3));
    fixture.publish({
      ...roomReading(START_MS + 1000, 9),
      tags: { site: 'south-hub', asset: 'room-1', device: 'room-1' },
    });
    const url = `/api/v1/history?device=room-1&field=air_temp_c&from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}`;
    const body = (await fixture.app.inject({ url })).json();
    expect(body.site).toBe('north-hub');
    expect(body.series).toHaveLength(1);
    expect(body.series[0].tags.site).toBe('north-hub');
    expect(body.series[0].points.map((point: { value: number }) => point.value)).toEqual([3]);
  });

  it('reads another site on request', async () => {
    fixture.publish(roomReading(START_MS, 3));
    fixture.publish({
      ...roomReading(START_MS + 1000, 9),
      tags: { site: 'south-hub', asset: 'room-1', device: 'room-1' },
    });
    const url = `/api/v1/history?device=room-1&field=air_temp_c&site=south-hub&from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}`;
    const body = (await fixture.app.inject({ url })).json();
    expect(body.site).toBe('south-hub');
    expect(body.series).toHaveLength(1);
    expect(body.series[0].points.map((point: { value: number }) => point.value)).toEqual([9]);
  });

  it('rejects an empty site', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1&field=air_temp_c&site=' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('API_VALIDATION_FAILED');
    expect(response.json().error.details[0].field).toBe('query.site');
  });

  it('rejects a site with control characters', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1&field=air_temp_c&site=a%0Ab' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('query.site');
  });

  it('states the rule of string parameters', async () => {
    const cases = [
      {
        query: 'device=room-1&field=air_temp_c&site=%01',
        field: 'query.site',
        message: 'must be text without control characters, 1 to 200 characters; got "\\u0001"',
      },
      {
        query: `device=room-1&field=air_temp_c&site=${'s'.repeat(201)}`,
        field: 'query.site',
        message: `must be text without control characters, 1 to 200 characters; got "${'s'.repeat(39)}…`,
      },
      {
        query: 'device=room-1&field=air-temp',
        field: 'query.field',
        message: 'must be letters, digits and underscores, at most 100 characters; got "air-temp"',
      },
    ];
    for (const { query, field, message } of cases) {
      const response = await fixture.app.inject({ url: `/api/v1/history?${query}` });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([{ field, message }]);
      expect(response.json().error.message).not.toContain('Value of the site tag');
    }
  });

  it('rejects a missing field parameter', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('API_VALIDATION_FAILED');
    expect(response.json().error.details).toContainEqual({ field: 'query.field', message: 'is required' });
  });

  it('rejects a reversed range', async () => {
    const response = await fixture.app.inject({
      url: '/api/v1/history?device=room-1&field=air_temp_c&from_ms=2000&to_ms=1000',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('API_RANGE_INVALID');
    expect(response.json().error.message).toContain('from_ms 2000 is after to_ms 1000');
  });

  it('rejects a text timestamp', async () => {
    const response = await fixture.app.inject({
      url: '/api/v1/history?device=room-1&field=air_temp_c&from_ms=yesterday',
    });
    expect(response.json().error.details).toContainEqual({
      field: 'query.from_ms',
      message: 'must be a finite integer, at least 0 and at most 9223372036854; got "yesterday"',
    });
  });

  it('rejects an unknown device', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=ghost&field=air_temp_c' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_DEVICE_NOT_FOUND');
  });

  it('rejects an unknown field', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1&field=nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_FIELD_NOT_FOUND');
    expect(response.json().error.message).toContain('device "room-1" has no field "nope"');
    expect(response.json().error.message).toContain('air_temp_c');
  });

  it('suggests a close field name', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1&field=air_temp_f' });
    expect(response.json().error.message).toContain('did you mean "air_temp_c"?');
  });

  it('returns empty series without data', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/history?device=room-1&field=air_temp_c' });
    expect(response.statusCode).toBe(200);
    expect(response.json().series).toEqual([]);
  });

  it('rejects max_points above the limit', async () => {
    const response = await fixture.app.inject({
      url: '/api/v1/history?device=room-1&field=air_temp_c&max_points=100000',
    });
    expect(response.json().error.details).toContainEqual({
      field: 'query.max_points',
      message: 'must be a finite integer, at least 10 and at most 5000; got 100000',
    });
  });
});

describe('asset chart route', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('returns the limits of the asset', async () => {
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.limits).toEqual({ min_c: 0, max_c: 8 });
  });

  it('computes the mkt of constant temperatures', async () => {
    for (let i = 0; i < 10; i++) fixture.publish(roomReading(START_MS + i * 60_000, 5));
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.mkt_c).toBeCloseTo(5, 9);
  });

  it('weights warm excursions above the mean', async () => {
    for (let i = 0; i < 10; i++) fixture.publish(roomReading(START_MS + i * 60_000, i % 2 === 0 ? 2 : 12));
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    // MKT of 2 °C and 12 °C in equal parts with ΔH/R = 10000 K: 10000 / -ln((e^(-10000/275.15) +
    // e^(-10000/285.15)) / 2) - 273.15 = 8.414 °C, above the arithmetic mean of 7 °C. The API rounds it
    // to two decimals, as the reports do.
    expect(body.mkt_c).toBe(8.41);
  });

  it('returns door-open periods', async () => {
    fixture.publish(roomReading(START_MS, 4, false));
    fixture.publish(roomReading(START_MS + 60_000, 5, true));
    fixture.publish(roomReading(START_MS + 120_000, 6, true));
    fixture.publish(roomReading(START_MS + 180_000, 5, false));
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.periods.door_open).toEqual([{ from_ms: START_MS + 60_000, to_ms: START_MS + 180_000 }]);
  });

  it('returns one series per compartment', async () => {
    fixture.publish(truckReading(START_MS, 'front', -18));
    fixture.publish(truckReading(START_MS, 'rear', 4));
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/truck-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.series.map((series: { label: string }) => series.label).sort()).toEqual(['front', 'rear']);
  });

  it('splits mkt and limits by compartment', async () => {
    for (let i = 0; i < 10; i++) {
      fixture.publish(truckReading(START_MS + i * 60_000, 'front', -18));
      fixture.publish(truckReading(START_MS + i * 60_000, 'rear', 3));
    }
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/truck-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.mkt_c).toBeNull();
    expect(body.limits).toBeNull();
    const groups = [...body.groups].sort((left, right) => left.compartment.localeCompare(right.compartment));
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ profile: 'truck-1/front', compartment: 'front', limits: { max_c: -18 } });
    expect(groups[0].mkt_c).toBeCloseTo(-18, 9);
    expect(groups[1]).toMatchObject({ profile: 'truck-1/rear', compartment: 'rear', limits: { min_c: 2, max_c: 8 } });
    expect(groups[1].mkt_c).toBeCloseTo(3, 9);
    const profiles = body.series.map(
      (series: { label: string; profile: string }) => `${series.label}:${series.profile}`,
    );
    expect(profiles.sort()).toEqual(['front:truck-1/front', 'rear:truck-1/rear']);
  });

  it('lists compartment limits without readings', async () => {
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/truck-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.limits).toBeNull();
    expect(body.groups.map((group: { profile: string }) => group.profile).sort()).toEqual([
      'truck-1/front',
      'truck-1/rear',
    ]);
    expect(body.groups.every((group: { mkt_c: number | null }) => group.mkt_c === null)).toBe(true);
  });

  it('keeps top-level figures for one group', async () => {
    for (let i = 0; i < 10; i++) fixture.publish(roomReading(START_MS + i * 60_000, 5));
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.groups).toHaveLength(1);
    expect(body.groups[0]).toMatchObject({ profile: 'room-1', compartment: null, limits: { min_c: 0, max_c: 8 } });
    expect(body.groups[0].mkt_c).toBeCloseTo(5, 9);
    expect(body.mkt_c).toBeCloseTo(5, 9);
    expect(body.limits).toEqual({ min_c: 0, max_c: 8 });
  });

  it('includes the alarms of the asset', async () => {
    fixture.alarms.raise({
      id: 'a1',
      site: 'north-hub',
      asset: 'room-1',
      level: 'warning',
      kind: 'high_temp',
      message: '9 °C',
      raised_ms: START_MS,
    });
    const body = (
      await fixture.app.inject({ url: `/api/v1/assets/room-1/chart?from_ms=${START_MS}&to_ms=${START_MS + HOUR_MS}` })
    ).json();
    expect(body.alarms.map((alarm: { id: string }) => alarm.id)).toEqual(['a1']);
  });

  it('returns the envelope for an unknown asset', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/assets/ghost/chart' });
    expect(response.json().error.code).toBe('API_ASSET_NOT_FOUND');
  });

  it('rejects an unknown query parameter', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/assets/room-1/chart?form_ms=1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toContainEqual({
      field: 'query.form_ms',
      message: 'is not a known field; remove it',
    });
  });
});
