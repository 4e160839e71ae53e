import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../../gateway/api/server.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { EventBus } from '../../../gateway/events.js';
import { httpAuth } from '../../../gateway/security/http-auth.js';
import { httpAuthSchema } from '../../../gateway/security/security-config.js';
import { generateToken, tokenSha256 } from '../../../gateway/security/token-store.js';
import { createStats } from '../../../gateway/stats.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

describe('api server', () => {
  let fixture: ApiFixture | undefined;

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('answers an unknown route with the envelope', async () => {
    fixture = await createApiFixture();
    const response = await fixture.app.inject({ url: '/api/v1/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 'API_ROUTE_NOT_FOUND',
        message: 'no route for GET /api/v1/nothing; the route list is at /docs/json',
      },
    });
  });

  it('describes bearer auth in openapi', async () => {
    const token = generateToken();
    const config = httpAuthSchema.parse({
      tokens: [{ name: 'dash', token_sha256: tokenSha256(token), role: 'viewer', expires_at: '2099-01-01T00:00:00Z' }],
    });
    fixture = await createApiFixture({ auth: httpAuth({ config }) });
    const response = await fixture.app.inject({ url: '/docs/json', headers: { authorization: `Bearer ${token}` } });
    const document = response.json();
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(Object.keys(document.paths)).toContain('/api/v1/auth/logout');
  });

  it('publishes an openapi document of every route', async () => {
    fixture = await createApiFixture();
    const document = (await fixture.app.inject({ url: '/docs/json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/sites',
      '/api/v1/assets',
      '/api/v1/history',
      '/api/v1/alarms/{id}/acknowledge',
      '/api/v1/orders',
      '/api/v1/plans/{id}/comparison',
      '/api/v1/reports/{id}/{format}',
      '/api/v1/live',
      '/metrics',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
  });

  it('rejects a request the authenticate hook refuses', async () => {
    fixture = await createApiFixture({ authenticate: (request) => request.headers['x-operator'] === 'wang' });
    const response = await fixture.app.inject({ url: '/api/v1/devices' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('API_UNAUTHORIZED');
  });

  it('passes a request the authenticate hook accepts', async () => {
    fixture = await createApiFixture({ authenticate: (request) => request.headers['x-operator'] === 'wang' });
    const response = await fixture.app.inject({ url: '/api/v1/devices', headers: { 'x-operator': 'wang' } });
    expect(response.statusCode).toBe(200);
  });

  it('rejects a body above the limit', async () => {
    fixture = await createApiFixture({ body_limit_bytes: 1024 });
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      payload: { scenario: 'x'.repeat(2000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('API_PAYLOAD_TOO_LARGE');
    expect(response.json().error.message).toContain('limit of 1024 bytes');
  });

  it('names a body that is not json', async () => {
    fixture = await createApiFixture();
    for (const [payload, problem] of [
      ['{"scenario": ', 'is not valid JSON or has a __proto__ or constructor key'],
      ['{"__proto__": {"x": 1}}', 'is not valid JSON or has a __proto__ or constructor key'],
      ['', 'is empty'],
    ]) {
      const response = await fixture.app.inject({
        method: 'POST',
        url: '/api/v1/plans',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('API_VALIDATION_FAILED');
      expect(response.json().error.message).toContain(`the body ${problem}`);
      expect(response.json().error.details).toEqual([{ field: 'body', message: `${problem}; send one JSON value` }]);
    }
  });

  it('returns gateway counters as json', async () => {
    fixture = await createApiFixture();
    fixture.publish(roomReading(Date.now(), 4));
    const body = (await fixture.app.inject({ url: '/api/v1/gateway/metrics' })).json();
    expect(body.readings).toBe(1);
    expect(body.alarm_readings).toBe(0);
    expect(body.devices_up).toBe(1);
    expect(body.devices_total).toBe(3);
    expect(body.outputs.local_store.written).toBe(1);
  });

  it('answers the health check', async () => {
    fixture = await createApiFixture();
    const body = (await fixture.app.inject({ url: '/api/v1/health' })).json();
    expect(body.status).toBe('ok');
  });
});

describe('api server without services', () => {
  const resolved = validateConfig({
    version: 1,
    site: 's',
    mqtt: { broker: { enabled: false } },
    devices: [],
    outputs: { local_store: { enabled: false } },
  });
  const gateway = { bus: new EventBus(), stats: createStats(), resolved, outputStats: () => [] };

  for (const [url, setting] of [
    ['/api/v1/alarms', 'set alarms.enabled to true'],
    ['/api/v1/offers', 'set planning.enabled to true'],
    ['/api/v1/plans/latest', 'set planning.enabled to true'],
    ['/api/v1/reports', 'set alarms.enabled and outputs.local_store.enabled to true'],
    ['/api/v1/history?device=a&field=b', 'set outputs.local_store.enabled to true or configure outputs.influx'],
  ] as const) {
    it(`returns service unavailable for ${url.split('?')[0]}`, async () => {
      const app = await createApiServer({ gateway }, { dashboard: false });
      const response = await app.inject({ url });
      await app.close();
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('API_SERVICE_UNAVAILABLE');
      expect(response.json().error.message).toContain(`is not configured in this gateway; ${setting}`);
    });
  }

  it('lists no assets for an empty fleet', async () => {
    const app = await createApiServer({ gateway }, { dashboard: false });
    const response = await app.inject({ url: '/api/v1/assets' });
    await app.close();
    expect(response.json()).toEqual([]);
  });
});
