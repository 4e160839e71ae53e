import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpAuth } from '../../../gateway/security/http-auth.js';
import { httpAuthSchema } from '../../../gateway/security/security-config.js';
import { generateToken, tokenSha256 } from '../../../gateway/security/token-store.js';
import { type ApiFixture, createApiFixture } from './api-fixture.js';

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

describe('capacity routes', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('lists capacity offers', async () => {
    const body = (await fixture.app.inject({ url: '/api/v1/offers' })).json();
    expect(body.map((offer: { id: string }) => offer.id)).toEqual(['offer-1']);
    expect(body[0].reason).toBe('parked_unit_off');
  });

  it('submits an order', async () => {
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload: ORDER });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ id: 'order-1', status: 'open', weight_kg: 120 });
  });

  it('lists submitted orders', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload: ORDER });
    const body = (await fixture.app.inject({ url: '/api/v1/orders' })).json();
    expect(body).toHaveLength(1);
  });

  it('rejects a negative weight', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: { ...ORDER, weight_kg: -5 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toContainEqual({
      field: 'body.weight_kg',
      message: 'must be a finite number, greater than 0 and at most 40000; got -5',
    });
  });

  it('rejects a malformed clock time', async () => {
    const payload = { ...ORDER, pickup_window: { start: '8pm', end: '23:00' } };
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload });
    expect(response.json().error.details[0].field).toBe('body.pickup_window.start');
  });

  it('names a clock time out of range', async () => {
    const payload = { ...ORDER, pickup_window: { start: '25:99', end: '23:00' } };
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload });
    expect(response.json().error.details).toContainEqual({
      field: 'body.pickup_window.start',
      message:
        'must be a clock time H:MM or HH:MM from 0:00 to 47:59, where hours 24 to 47 fall on the next day; got "25:99"',
    });
  });

  it('rejects an unknown temperature class', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: { ...ORDER, temperature_class: 'warm' },
    });
    expect(response.json().error.details).toContainEqual({
      field: 'body.temperature_class',
      message: 'must be one of: frozen, chilled, ambient',
    });
  });

  it('lists every invalid field at once', async () => {
    const { merchant_id: _merchant, volume_m3: _volume, ...partial } = ORDER;
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload: partial });
    const fields = response
      .json()
      .error.details.map((detail: { field: string }) => detail.field)
      .sort();
    expect(fields).toEqual(['body.merchant_id', 'body.volume_m3']);
  });

  it('passes on the service rejection', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: { ...ORDER, delivery_site_id: 'mars' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'API_REQUEST_REJECTED' });
    expect(response.json().error.message).toContain('site mars is unknown');
  });

  it('reports an order delivered', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload: ORDER });
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders/order-1/delivered',
      payload: { who: 'driver-3' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: 'order-1', status: 'delivered', delivered_by: 'driver-3' });
    expect(typeof response.json().delivered_ms).toBe('number');
  });

  it('rejects delivery of unknown order', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders/order-9/delivered',
      payload: { who: 'driver-3' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_ORDER_NOT_FOUND');
  });

  it('rejects a delivery without who', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload: ORDER });
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/orders/order-1/delivered', payload: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('body.who');
  });
});

describe('delivery report with a login', () => {
  let fixture: ApiFixture;
  const token = generateToken();

  beforeEach(async () => {
    const config = httpAuthSchema.parse({
      tokens: [{ name: 'erp', token_sha256: tokenSha256(token), role: 'admin', expires_at: '2099-01-01T00:00:00Z' }],
    });
    fixture = await createApiFixture({ auth: httpAuth({ config }) });
    await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: ORDER,
      headers: { authorization: `Bearer ${token}` },
    });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('records the token holder and the claim', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders/order-1/delivered',
      payload: { who: 'driver-3' },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().delivered_by).toBe('erp');
    expect(response.json().delivered_on_behalf_of).toBe('driver-3');
  });

  it('accepts a report without who', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders/order-1/delivered',
      payload: {},
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().delivered_by).toBe('erp');
    expect(response.json()).not.toHaveProperty('delivered_on_behalf_of');
  });
});

describe('plan routes', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('returns not found before any plan', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/plans/latest' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_PLAN_NOT_FOUND');
  });

  it('runs a plan for a scenario', async () => {
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    expect(response.statusCode).toBe(201);
    expect(response.json().routes).toHaveLength(2);
  });

  it('returns the latest plan', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    const body = (await fixture.app.inject({ url: '/api/v1/plans/latest' })).json();
    expect(body.id).toBe('plan-2');
  });

  it('lists plans', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    const body = (await fixture.app.inject({ url: '/api/v1/plans' })).json();
    expect(body.map((plan: { id: string }) => plan.id)).toEqual(['plan-1']);
  });

  it('compares a plan with its baseline', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    const body = (await fixture.app.inject({ url: '/api/v1/plans/plan-1/comparison' })).json();
    expect(body.savings.trips_saved).toBe(2);
    expect(body.savings.km_saved).toBeCloseTo(58.4, 9);
    expect(body.savings.kg_co2_saved_pct).toBeCloseTo(((38.9 - 21.4) / 38.9) * 100, 9);
  });

  it('shows served and unserved orders in the comparison', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    const body = (await fixture.app.inject({ url: '/api/v1/plans/plan-1/comparison' })).json();
    expect(body.pooled.orders_served).toBe(3);
    expect(body.baseline.orders_served).toBe(3);
    expect(body.unserved.map((entry: { order_id: string }) => entry.order_id)).toEqual(['order-4']);
    expect(body.baseline_unserved).toEqual([]);
  });

  it('rejects an unknown scenario', async () => {
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'noon' } });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.message).toContain('scenario noon is unknown');
  });

  it('rejects a plan request without scenario', async () => {
    const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: {} });
    expect(response.json().error.details).toContainEqual({ field: 'body.scenario', message: 'is required' });
  });

  it('returns not found for an unknown plan', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/plans/plan-9/comparison' });
    expect(response.json().error.code).toBe('API_PLAN_NOT_FOUND');
  });

  it('returns one plan by id', async () => {
    await fixture.app.inject({ method: 'POST', url: '/api/v1/plans', payload: { scenario: 'night' } });
    const body = (await fixture.app.inject({ url: '/api/v1/plans/plan-1' })).json();
    expect(body.unserved[0].order_id).toBe('order-4');
  });
});

describe('report routes', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
    fixture.alarms.raise({
      id: 'a1',
      site: 'north-hub',
      asset: 'room-1',
      level: 'warning',
      kind: 'high_temp',
      message: 'air "9" °C',
      raised_ms: 1,
    });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('lists reports', async () => {
    const body = (await fixture.app.inject({ url: '/api/v1/reports' })).json();
    expect(body[0]).toMatchObject({ id: 'alarms', formats: ['pdf', 'csv'] });
  });

  it('downloads a csv report', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/reports/alarms/csv' });
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="alarms.csv"');
    expect(response.body).toContain('"air ""9"" °C"');
  });

  it('downloads a pdf report', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/reports/alarms/pdf' });
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('rejects an unknown format', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/reports/alarms/xlsx' });
    expect(response.json().error.details).toContainEqual({
      field: 'params.format',
      message: 'must be one of: pdf, csv',
    });
  });

  it('returns not found for an unknown report', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/reports/energy/csv' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_REPORT_NOT_FOUND');
  });
});
