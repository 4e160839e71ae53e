import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from './api-fixture.js';

describe('alarm routes', () => {
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
    fixture.alarms.raise({
      id: 'a2',
      site: 'north-hub',
      asset: 'truck-1',
      level: 'critical',
      kind: 'high_temp',
      message: 'box 2 °C above -15 °C',
      raised_ms: 2000,
    });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('lists alarms newest first', async () => {
    const body = (await fixture.app.inject({ url: '/api/v1/alarms' })).json();
    expect(body.map((alarm: { id: string }) => alarm.id)).toEqual(['a2', 'a1']);
  });

  it('filters alarms by asset', async () => {
    const body = (await fixture.app.inject({ url: '/api/v1/alarms?asset=room-1' })).json();
    expect(body.map((alarm: { id: string }) => alarm.id)).toEqual(['a1']);
  });

  it('rejects an unknown state filter', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/alarms?state=open' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toContainEqual({
      field: 'query.state',
      message: 'must be one of: active, acknowledged, closed',
    });
  });

  it('acknowledges with a comment', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/acknowledge',
      payload: { who: 'wang', comment: 'door left open by the loading crew' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().state).toBe('acknowledged');
    expect(response.json().history.at(-1)).toMatchObject({
      action: 'acknowledged',
      who: 'wang',
      comment: 'door left open by the loading crew',
    });
  });

  it('closes with a corrective action', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a2/close',
      payload: { who: 'li', corrective_action: 'moved the load to truck-2' },
    });
    expect(response.json().state).toBe('closed');
    expect(fixture.alarms.get('a2')?.state).toBe('closed');
  });

  it('rejects an acknowledgement without a comment', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/acknowledge',
      payload: { who: 'wang' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toContainEqual({ field: 'body.comment', message: 'is required' });
  });

  it('rejects an empty comment', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/acknowledge',
      payload: { who: 'wang', comment: '' },
    });
    expect(response.json().error.details).toContainEqual({
      field: 'body.comment',
      message: 'must NOT have fewer than 1 characters',
    });
  });

  it('rejects a body that is not json', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/acknowledge',
      headers: { 'content-type': 'application/json' },
      payload: '{"who": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('API_VALIDATION_FAILED');
  });

  it.each([
    ['application/x-www-form-urlencoded', 'who=wang&comment=x'],
    ['text/plain', '{"who": "wang", "comment": "x"}'],
  ])('rejects a %s body', async (type, payload) => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/acknowledge',
      headers: { 'content-type': type },
      payload,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('API_UNSUPPORTED_MEDIA_TYPE');
    expect(response.json().error.message).toBe(
      `content-type ${type} is not accepted; send the body as application/json`,
    );
  });

  it('returns a conflict for a closed alarm', async () => {
    fixture.alarms.close('a1', { who: 'li' }, 'defrosted the evaporator');
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/acknowledge',
      payload: { who: 'wang', comment: 'late' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('API_CONFLICT');
    expect(response.json().error.message).toContain('closed');
  });

  it('returns not found for an unknown alarm', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/zz/close',
      payload: { who: 'li', corrective_action: 'none' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_ALARM_NOT_FOUND');
  });

  it('comments on an alarm', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/alarms/a1/comment',
      payload: { who: 'wang', comment: 'door seal torn' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().state).toBe('active');
    expect(response.json().history.at(-1)).toMatchObject({
      action: 'commented',
      who: 'wang',
      comment: 'door seal torn',
    });
  });

  it('rejects an invalid comment body', async () => {
    const cases = [
      { payload: { who: 'wang' }, detail: { field: 'body.comment', message: 'is required' } },
      {
        payload: { who: 'wang', comment: '' },
        detail: { field: 'body.comment', message: 'must NOT have fewer than 1 characters' },
      },
      {
        payload: { who: 'wang', comment: 'x'.repeat(2001) },
        detail: { field: 'body.comment', message: 'must NOT have more than 2000 characters' },
      },
    ];
    for (const { payload, detail } of cases) {
      const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/alarms/a1/comment', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toContainEqual(detail);
    }
    expect(fixture.alarms.get('a1')?.history).toHaveLength(1);
  });

  it('words not found alike on every route', async () => {
    const requests = [
      { method: 'GET' as const, url: '/api/v1/alarms/zz' },
      { method: 'POST' as const, url: '/api/v1/alarms/zz/acknowledge', payload: { who: 'li', comment: 'x' } },
      { method: 'POST' as const, url: '/api/v1/alarms/zz/comment', payload: { who: 'li', comment: 'x' } },
      { method: 'POST' as const, url: '/api/v1/alarms/zz/close', payload: { who: 'li', corrective_action: 'x' } },
    ];
    for (const request of requests) {
      const response = await fixture.app.inject(request);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('API_ALARM_NOT_FOUND');
      expect(response.json().error.message).toBe('alarm "zz" not found; GET /api/v1/alarms lists the alarm ids');
    }
  });

  it('lists the comment route in openapi', async () => {
    const document = (await fixture.app.inject({ url: '/docs/json' })).json();
    const operation = document.paths['/api/v1/alarms/{id}/comment']?.post;
    expect(operation).toBeDefined();
    expect(operation.tags).toEqual(['alarms']);
    expect(operation.requestBody.content['application/json'].schema.required).toEqual(['comment']);
  });

  it('returns one alarm by id', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/alarms/a2' });
    expect(response.json().level).toBe('critical');
  });

  it('returns not found for an unknown alarm id', async () => {
    const response = await fixture.app.inject({ url: '/api/v1/alarms/zz' });
    expect(response.json().error.code).toBe('API_ALARM_NOT_FOUND');
  });
});
