import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpAuth } from '../../../gateway/security/http-auth.js';
import { hashPassword } from '../../../gateway/security/password-hash.js';
import { httpAuthSchema } from '../../../gateway/security/security-config.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

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

/** Scrypt cost parameters far below the default, so that hashing in a test takes milliseconds. */
const CHEAP_HASH = { ln: 4, r: 8, p: 1 };

interface FieldProblem {
  field: string;
  message: string;
}

describe('json body types', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
    fixture.alarms.raise({
      id: 'a1',
      site: 'north-hub',
      asset: 'room-1',
      level: 'warning',
      kind: 'high_temp',
      message: 'air 9.1 °C above 8 °C',
      raised_ms: 1000,
    });
    await fixture.app.inject({ method: 'POST', url: '/api/v1/orders', payload: ORDER });
  });

  afterEach(async () => {
    await fixture.close();
  });

  async function post(
    url: string,
    payload: unknown,
  ): Promise<{ status: number; code: string; details: FieldProblem[] }> {
    const response = await fixture.app.inject({ method: 'POST', url, payload: payload as object });
    const body = response.json();
    return { status: response.statusCode, code: body.error?.code, details: body.error?.details ?? [] };
  }

  it('rejects a number as delivery who', async () => {
    const result = await post('/api/v1/orders/order-1/delivered', { who: 5 });
    expect(result.status).toBe(400);
    expect(result.code).toBe('API_VALIDATION_FAILED');
    expect(result.details).toEqual([
      { field: 'body.who', message: 'must be a string; got number 5; send the text in double quotes, such as "5"' },
    ]);
  });

  it('leaves the order open after rejection', async () => {
    await post('/api/v1/orders/order-1/delivered', { who: 5 });
    const orders = (await fixture.app.inject({ url: '/api/v1/orders' })).json();
    expect(orders[0].status).toBe('open');
    expect(orders[0].delivered_by).toBeUndefined();
  });

  it('names the fix in the message', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders/order-1/delivered',
      payload: { who: 5 },
    });
    expect(response.json().error.message).toBe(
      'invalid request: body.who must be a string; got number 5; send the text in double quotes, such as "5"',
    );
  });

  const nonStrings = [
    { value: true, message: 'must be a string; got boolean true; send the text in double quotes, such as "true"' },
    { value: null, message: 'must be a string; got null; send a string in JSON' },
    { value: ['driver-3'], message: 'must be a string; got array ["driver-3"]; send a string in JSON' },
    { value: { name: 'x' }, message: 'must be a string; got object {"name":"x"}; send a string in JSON' },
  ];

  for (const { value, message } of nonStrings) {
    it(`rejects ${JSON.stringify(value)} as delivery who`, async () => {
      const result = await post('/api/v1/orders/order-1/delivered', { who: value });
      expect(result.status).toBe(400);
      expect(result.details).toEqual([{ field: 'body.who', message }]);
    });
  }

  it('rejects numbers in an acknowledgement', async () => {
    const result = await post('/api/v1/alarms/a1/acknowledge', { who: 7, comment: 42 });
    expect(result.status).toBe(400);
    expect(result.details).toContainEqual({
      field: 'body.who',
      message: 'must be a string; got number 7; send the text in double quotes, such as "7"',
    });
    expect(result.details).toContainEqual({
      field: 'body.comment',
      message: 'must be a string; got number 42; send the text in double quotes, such as "42"',
    });
    expect(fixture.alarms.get('a1')?.state).toBe('active');
  });

  it('rejects a boolean corrective action', async () => {
    const result = await post('/api/v1/alarms/a1/close', { who: 'wang', corrective_action: false });
    expect(result.status).toBe(400);
    expect(result.details).toEqual([
      {
        field: 'body.corrective_action',
        message: 'must be a string; got boolean false; send the text in double quotes, such as "false"',
      },
    ]);
  });

  it('rejects a number as scenario', async () => {
    const result = await post('/api/v1/plans', { scenario: 1 });
    expect(result.status).toBe(400);
    expect(result.details).toEqual([
      {
        field: 'body.scenario',
        message: 'must be a string; got number 1; send the text in double quotes, such as "1"',
      },
    ]);
  });

  it('rejects a quoted order weight', async () => {
    const result = await post('/api/v1/orders', { ...ORDER, weight_kg: '5' });
    expect(result.status).toBe(400);
    expect(result.details).toEqual([
      {
        field: 'body.weight_kg',
        message:
          'must be a finite number, greater than 0 and at most 40000; got string "5"; send the number without quotes, such as 5',
      },
    ]);
  });

  it('accepts the documented order body', async () => {
    const docs = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    const example = /Orders: the body of `POST \/api\/v1\/orders` is a JSON object such as\s+```json\n([^`]+)```/.exec(
      docs,
    );
    expect(example).not.toBeNull();
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: JSON.parse(example?.[1] ?? '{}'),
    });
    expect(response.statusCode).toBe(201);
  });

  it('names the keys of a window', async () => {
    const result = await post('/api/v1/orders', { ...ORDER, pickup_window: '17:30-21:30' });
    expect(result.status).toBe(400);
    expect(result.details).toEqual([
      {
        field: 'body.pickup_window',
        message:
          'must be an object; got string "17:30-21:30"; send an object with the keys start and end in JSON, such as {"start":"17:30","end":"21:30"}',
      },
    ]);
  });

  it('rejects a number as site id', async () => {
    const result = await post('/api/v1/orders', { ...ORDER, merchant_id: 12 });
    expect(result.status).toBe(400);
    expect(result.details).toEqual([
      {
        field: 'body.merchant_id',
        message: 'must be a string; got number 12; send the text in double quotes, such as "12"',
      },
    ]);
  });

  it('keeps query coercion', async () => {
    fixture.publish(roomReading(Date.now(), 4));
    const response = await fixture.app.inject({
      url: '/api/v1/history?device=room-1&field=air_temp_c&max_points=20',
    });
    expect(response.statusCode).toBe(200);
  });

  it('still rejects a query text as number', async () => {
    const response = await fixture.app.inject({
      url: '/api/v1/history?device=room-1&field=air_temp_c&max_points=many',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { field: 'query.max_points', message: 'must be a finite integer, at least 10 and at most 5000; got "many"' },
    ]);
  });
});

describe('login body types', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    const users = [{ username: '1001', password_hash: await hashPassword('20261204', CHEAP_HASH), role: 'viewer' }];
    const auth = httpAuth({ config: httpAuthSchema.parse({ users }) });
    fixture = await createApiFixture({ auth });
  });

  afterEach(async () => {
    await fixture.close();
  });

  async function login(payload: unknown) {
    return fixture.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as object });
  }

  it('accepts digits sent as strings', async () => {
    const response = await login({ username: '1001', password: '20261204' });
    expect(response.statusCode).toBe(200);
  });

  it('rejects a number as username', async () => {
    const response = await login({ username: 1001, password: '20261204' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('API_VALIDATION_FAILED');
    expect(response.json().error.details).toEqual([
      {
        field: 'body.username',
        message: 'must be a string; got number 1001; send the text in double quotes, such as "1001"',
      },
    ]);
  });

  it('rejects a number as password', async () => {
    const response = await login({ username: '1001', password: 20261204 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { field: 'body.password', message: 'must be a string; got number; send the text in double quotes' },
    ]);
  });

  it('keeps the password out of errors', async () => {
    const response = await login({ username: '1001', password: 20261204 });
    expect(response.body).not.toContain('20261204');
  });
});
