import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import { alarmReading } from '../../../gateway/alarms/alarm-reading.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { alarmServiceFromEngine } from '../../../gateway/api/alarm-engine-service.js';
import { createApiServer } from '../../../gateway/api/server.js';
import type { Alarm } from '../../../gateway/api/services.js';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { EventBus } from '../../../gateway/events.js';
import type { Reading } from '../../../gateway/reading.js';
import { httpAuth } from '../../../gateway/security/http-auth.js';
import { httpAuthSchema } from '../../../gateway/security/security-config.js';
import { generateToken, tokenSha256 } from '../../../gateway/security/token-store.js';
import { createStats } from '../../../gateway/stats.js';

const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);
const ERP_TOKEN = generateToken();
const VIEWER_TOKEN = generateToken();

function reading(time_ms: number, air_temp_c: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'site-1', asset: 'room-1', device: 'room-1' },
    fields: { air_temp_c, door_open: false },
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

interface Setup {
  app: FastifyInstance;
  engine: AlarmEngine;
  trail: AuditTrail;
  alarmId: string;
  /** Feeds readings at `air_temp_c` for three minutes after `from_ms`. */
  feed(from_ms: number, air_temp_c: number): void;
}

/**
 * Builds an API over a real alarm engine and audit trail, with the operator token `erp` and the viewer
 * token `wall` when `withAuth`.
 */
async function setUp(withAuth: boolean): Promise<Setup> {
  const config = alarmConfigSchema.parse({
    assets: [
      {
        id: 'room-1',
        class: 'chilled',
        rate: { enabled: false },
        rules: [{ direction: 'high', level: 'alarm', threshold_c: 8, on_delay_s: 0 }],
      },
    ],
  });
  const database = openRecordsDatabase(':memory:');
  const store = new AlarmStore(database);
  const trail = new AuditTrail(database);
  let now = START_MS;
  const engine = new AlarmEngine({ config, store, audit: trail, clock: () => now });
  const resolved = validateConfig({
    version: 1,
    site: 'site-1',
    mqtt: { broker: { enabled: false } },
    devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
    outputs: { local_store: { enabled: false } },
  });
  const gateway = { bus: new EventBus(), stats: createStats(), resolved, outputStats: () => [] };
  const auth = httpAuth({
    config: httpAuthSchema.parse({
      tokens: [
        { name: 'erp', token_sha256: tokenSha256(ERP_TOKEN), role: 'operator', expires_at: '2099-01-01T00:00:00Z' },
        { name: 'wall', token_sha256: tokenSha256(VIEWER_TOKEN), role: 'viewer', expires_at: '2099-01-01T00:00:00Z' },
      ],
    }),
  });
  const app = await createApiServer(
    { gateway, alarms: alarmServiceFromEngine(engine, store) },
    { dashboard: false, ...(withAuth ? { auth } : {}) },
  );
  const feed = (from_ms: number, air_temp_c: number) => {
    for (let minute = 0; minute < 3; minute++) {
      now = from_ms + minute * 60_000;
      engine.handleReading(reading(now, air_temp_c));
    }
  };
  feed(START_MS, 12);
  const alarmId = engine.openAlarms()[0]?.id ?? '';
  return { app, engine, trail, alarmId, feed };
}

function post(setup: Setup, path: string, payload: object, withToken = true) {
  return setup.app.inject({
    method: 'POST',
    url: path,
    payload,
    headers: withToken ? { authorization: `Bearer ${ERP_TOKEN}` } : {},
  });
}

describe('alarm actor with a login', () => {
  let setup: Setup;

  afterEach(async () => {
    await setup.app.close();
  });

  it('records the token holder, not the typed name', async () => {
    setup = await setUp(true);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, {
      who: 'Li Wei',
      comment: 'checking',
    });
    expect(response.statusCode).toBe(200);
    const step = (response.json() as Alarm).history.find((event) => event.action === 'acknowledged');
    expect(step?.who).toBe('erp');
    expect(step?.on_behalf_of).toBe('Li Wei');

    const audit = setup.trail.entries({ kind: 'alarm_acknowledged' });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('erp');
    expect(audit[0]?.payload).toMatchObject({ comment: 'checking', on_behalf_of: 'Li Wei' });
  });

  it('accepts an acknowledgement without a name', async () => {
    setup = await setUp(true);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { comment: 'checking' });
    expect(response.statusCode).toBe(200);
    const step = (response.json() as Alarm).history.find((event) => event.action === 'acknowledged');
    expect(step?.who).toBe('erp');
    expect(step).not.toHaveProperty('on_behalf_of');
    expect(setup.trail.entries({ kind: 'alarm_acknowledged' })[0]?.payload).not.toHaveProperty('on_behalf_of');
  });

  it('records the token holder on close', async () => {
    setup = await setUp(true);
    setup.feed(START_MS + 10 * 60_000, 4);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/close`, {
      who: 'Li Wei',
      corrective_action: 'moved stock to room 2',
    });
    expect(response.statusCode).toBe(200);
    const history = (response.json() as Alarm).history;
    const closed = history.find((event) => event.action === 'closed');
    expect(closed?.who).toBe('erp');
    expect(closed?.on_behalf_of).toBe('Li Wei');
    // Closing an unacknowledged alarm acknowledges it with the same actor and claim.
    const acknowledged = history.find((event) => event.action === 'acknowledged');
    expect(acknowledged?.who).toBe('erp');
    expect(acknowledged?.on_behalf_of).toBe('Li Wei');
    expect(setup.trail.entries({ kind: 'alarm_closed' })[0]?.actor).toBe('erp');
    expect(setup.trail.entries({ kind: 'alarm_closed' })[0]?.payload).toMatchObject({ on_behalf_of: 'Li Wei' });
  });

  it('audits the acknowledgement on close', async () => {
    setup = await setUp(true);
    setup.feed(START_MS + 10 * 60_000, 4);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/close`, {
      who: 'Li Wei',
      corrective_action: 'moved stock to room 2',
    });
    expect(response.statusCode).toBe(200);
    const acknowledged = setup.trail.entries({ kind: 'alarm_acknowledged' });
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]?.actor).toBe('erp');
    expect(acknowledged[0]?.subject).toBe(setup.alarmId);
    expect(acknowledged[0]?.payload).toMatchObject({ comment: 'acknowledged on close', on_behalf_of: 'Li Wei' });
  });

  it('audits an explicit acknowledgement once', async () => {
    setup = await setUp(true);
    await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { comment: 'checking' });
    setup.feed(START_MS + 10 * 60_000, 4);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/close`, {
      corrective_action: 'moved stock to room 2',
    });
    expect(response.statusCode).toBe(200);
    const acknowledged = setup.trail.entries({ kind: 'alarm_acknowledged' });
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]?.payload).toMatchObject({ comment: 'checking' });
  });

  it('puts the claim in the alarm reading', async () => {
    setup = await setUp(true);
    await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { who: 'Li Wei', comment: 'checking' });
    const alarm = setup.engine.openAlarms()[0];
    if (alarm === undefined) throw new Error('the alarm is not open');
    const fields = alarmReading(alarm, START_MS).fields;
    expect(fields.acknowledged_by).toBe('erp');
    expect(fields.acknowledged_on_behalf_of).toBe('Li Wei');
  });
});

describe('alarm actor without a login', () => {
  let setup: Setup;

  afterEach(async () => {
    await setup.app.close();
  });

  it('records the name the client sent', async () => {
    setup = await setUp(false);
    const response = await post(
      setup,
      `/api/v1/alarms/${setup.alarmId}/acknowledge`,
      { who: '5', comment: 'x' },
      false,
    );
    expect(response.statusCode).toBe(200);
    const step = (response.json() as Alarm).history.find((event) => event.action === 'acknowledged');
    expect(step?.who).toBe('5');
    expect(step).not.toHaveProperty('on_behalf_of');
    expect(setup.trail.entries({ kind: 'alarm_acknowledged' })[0]?.actor).toBe('5');
  });

  it('requires a name', async () => {
    setup = await setUp(false);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { comment: 'x' }, false);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('API_VALIDATION_FAILED');
    expect(response.json().error.details).toContainEqual({ field: 'body.who', message: 'is required' });
    expect(setup.engine.openAlarms()[0]?.acknowledgement).toBeUndefined();
  });
});

describe('alarm comment route', () => {
  let setup: Setup;

  afterEach(async () => {
    await setup.app.close();
  });

  it('records and audits the token holder', async () => {
    setup = await setUp(true);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/comment`, {
      who: 'Li Wei',
      comment: 'door seal torn',
    });
    expect(response.statusCode).toBe(200);
    const step = (response.json() as Alarm).history.find((event) => event.action === 'commented');
    expect(step?.who).toBe('erp');
    expect(step?.on_behalf_of).toBe('Li Wei');
    expect(step?.comment).toBe('door seal torn');

    const audit = setup.trail.entries({ kind: 'alarm_comment' });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('erp');
    expect(audit[0]?.subject).toBe(setup.alarmId);
    expect(audit[0]?.payload).toMatchObject({ comment: 'door seal torn', on_behalf_of: 'Li Wei' });
  });

  it('comments on a closed alarm', async () => {
    setup = await setUp(true);
    setup.feed(START_MS + 10 * 60_000, 4);
    await post(setup, `/api/v1/alarms/${setup.alarmId}/close`, { corrective_action: 'moved stock to room 2' });

    const acknowledge = await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { comment: 'late' });
    expect(acknowledge.statusCode).toBe(409);
    expect(acknowledge.json().error.code).toBe('API_CONFLICT');
    expect(acknowledge.json().error.message).toBe(
      `alarm ${setup.alarmId} is closed; add a comment instead with POST /api/v1/alarms/${setup.alarmId}/comment`,
    );

    const comment = await post(setup, `/api/v1/alarms/${setup.alarmId}/comment`, { comment: 'stock checked, fine' });
    expect(comment.statusCode).toBe(200);
    expect((comment.json() as Alarm).state).toBe('closed');
    // The test clock does not advance, so the comment has the closure's time and is listed before it.
    expect((comment.json() as Alarm).history.find((event) => event.action === 'commented')).toMatchObject({
      who: 'erp',
      comment: 'stock checked, fine',
    });
  });

  it('names the comment route after acknowledgement', async () => {
    setup = await setUp(true);
    await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { comment: 'checking' });
    const again = await post(setup, `/api/v1/alarms/${setup.alarmId}/acknowledge`, { comment: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe(
      `alarm ${setup.alarmId} was acknowledged by erp; add a comment instead with POST /api/v1/alarms/${setup.alarmId}/comment`,
    );
  });

  it('rejects a viewer', async () => {
    setup = await setUp(true);
    const response = await setup.app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${setup.alarmId}/comment`,
      payload: { comment: 'looks warm' },
      headers: { authorization: `Bearer ${VIEWER_TOKEN}` },
    });
    expect(response.statusCode).toBe(403);
    expect(setup.trail.entries({ kind: 'alarm_comment' })).toHaveLength(0);
  });

  it('requires a name without a login', async () => {
    setup = await setUp(false);
    const response = await post(setup, `/api/v1/alarms/${setup.alarmId}/comment`, { comment: 'x' }, false);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toContainEqual({ field: 'body.who', message: 'is required' });
    expect(setup.trail.entries({ kind: 'alarm_comment' })).toHaveLength(0);
  });
});
