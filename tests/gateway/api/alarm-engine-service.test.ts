import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { alarmServiceFromEngine } from '../../../gateway/api/alarm-engine-service.js';
import { createApiServer } from '../../../gateway/api/server.js';
import type { Alarm } from '../../../gateway/api/services.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { EventBus } from '../../../gateway/events.js';
import type { Reading } from '../../../gateway/reading.js';
import { createStats } from '../../../gateway/stats.js';

const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);

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

describe('alarm engine service', () => {
  let app: FastifyInstance;
  let engine: AlarmEngine;
  let now: number;
  let alarmId: string;
  const pushed: Alarm[] = [];

  beforeEach(async () => {
    now = START_MS;
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
    const store = new AlarmStore(openRecordsDatabase(':memory:'));
    engine = new AlarmEngine({ config, store, clock: () => now });
    const service = alarmServiceFromEngine(engine, store);
    service.subscribe?.((alarm) => pushed.push(alarm));
    const resolved = validateConfig({
      version: 1,
      site: 'site-1',
      mqtt: { broker: { enabled: false } },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { enabled: false } },
    });
    const gateway = { bus: new EventBus(), stats: createStats(), resolved, outputStats: () => [] };
    app = await createApiServer({ gateway, alarms: service }, { dashboard: false });
    for (let minute = 0; minute < 3; minute++) {
      now = START_MS + minute * 60_000;
      engine.handleReading(reading(now, 12));
    }
    const listed = (await app.inject({ url: '/api/v1/alarms' })).json() as Alarm[];
    alarmId = listed[0]?.id ?? '';
  });

  afterEach(async () => {
    await app.close();
    pushed.length = 0;
  });

  it('lists a raised alarm', async () => {
    const alarms = (await app.inject({ url: '/api/v1/alarms' })).json() as Alarm[];
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ asset: 'room-1', level: 'alarm', state: 'active', condition_active: true });
  });

  it('pushes the raise to subscribers', () => {
    expect(pushed.map((alarm) => alarm.state)).toContain('active');
  });

  it('acknowledges through the engine', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${encodeURIComponent(alarmId)}/acknowledge`,
      payload: { who: 'wang', comment: 'checking' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().state).toBe('acknowledged');
    expect(response.json().history.at(-1)).toMatchObject({ action: 'acknowledged', who: 'wang', comment: 'checking' });
  });

  it('rejects closing an active alarm', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${encodeURIComponent(alarmId)}/close`,
      payload: { who: 'wang', corrective_action: 'none' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toContain('still active');
  });

  it('rejects closing an acknowledged active alarm', async () => {
    const url = `/api/v1/alarms/${encodeURIComponent(alarmId)}`;
    await app.inject({ method: 'POST', url: `${url}/acknowledge`, payload: { who: 'wang', comment: 'checking' } });
    const response = await app.inject({
      method: 'POST',
      url: `${url}/close`,
      payload: { who: 'wang', corrective_action: 'none' },
    });
    expect(response.statusCode).toBe(409);
    const { code, message } = response.json().error;
    expect(code).toBe('API_CONFLICT');
    expect(message).toContain(`alarm ${alarmId} is acknowledged`);
    expect(message).toContain('condition_active: true');
    expect(message).toContain('once the condition clears');
    expect(message).not.toContain('acknowledge it now');
  });

  it('closes a cleared alarm', async () => {
    for (let minute = 3; minute < 30; minute++) {
      now = START_MS + minute * 60_000;
      engine.handleReading(reading(now, 3));
    }
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/alarms/${encodeURIComponent(alarmId)}/close`,
      payload: { who: 'li', corrective_action: 'product checked, door seal replaced' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().state).toBe('closed');
    expect(response.json().history.map((step: { action: string }) => step.action)).toEqual([
      'raised',
      'cleared',
      'acknowledged',
      'closed',
    ]);
  });

  it('returns not found for an unknown id', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/alarms/nope/acknowledge',
      payload: { who: 'wang', comment: 'x' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_ALARM_NOT_FOUND');
  });

  it('shows the alarm level on the asset', async () => {
    const asset = (await app.inject({ url: '/api/v1/assets/room-1' })).json();
    expect(asset.alarm_level).toBe('alarm');
  });
});
