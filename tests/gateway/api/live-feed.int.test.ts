import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../gateway/api/server.js';
import type { Reading } from '../../../gateway/reading.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

/** Reads the event stream until `predicate` matches an event, and returns that event's name and data. */
async function nextEvent(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  predicate: (name: string, data: string) => boolean,
): Promise<{ name: string; data: string }> {
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('event stream ended before the expected event');
    buffered += decoder.decode(value, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const name = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (name !== undefined && data !== undefined && predicate(name, data)) return { name, data };
      end = buffered.indexOf('\n\n');
    }
  }
}

describe('live feed', () => {
  let fixture: ApiFixture;
  let url: string;

  beforeEach(async () => {
    fixture = await createApiFixture({ live: { max_buffer_bytes: 65_536, max_clients: 3 } });
    url = await startApiServer(fixture.app, { port: 0 });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pushes readings as events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/v1/live`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    fixture.publish(roomReading(1_000, 4.5));
    const event = await nextEvent(reader, (name) => name === 'reading');
    expect(JSON.parse(event.data)).toMatchObject({ tags: { device: 'room-1' }, fields: { air_temp_c: 4.5 } });
    controller.abort();
  });

  it('pushes field errors with the count', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    const problem = {
      device_id: 'room-1',
      field: 'air_temp_c',
      code: 'FIELD_NOT_NUMBER',
      message: 'air_temp_c: expected a finite number, got "Infinity"',
    };
    // One event at a time, because `nextEvent` drops the frames it read past the one it returns.
    fixture.bus.emit('field_error', problem);
    const first = await nextEvent(reader, (name) => name === 'field_error');
    fixture.bus.emit('field_error', problem);
    const second = await nextEvent(reader, (name) => name === 'field_error');
    expect(JSON.parse(first.data)).toEqual({ ...problem, field_errors: 1 });
    expect(JSON.parse(second.data).field_errors).toBe(2);
    controller.abort();
  });

  it('adds the field error count to device states', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    fixture.bus.emit('field_error', {
      device_id: 'ctrl-1',
      field: 'air_temp_c',
      code: 'MODBUS_REPLY_SHORT',
      message: 'x',
    });
    fixture.bus.emit('device_state', { device_id: 'ctrl-1', up: false, consecutive_failures: 3, last_error: 'y' });
    const event = await nextEvent(reader, (name) => name === 'device_state');
    expect(JSON.parse(event.data)).toEqual({
      device_id: 'ctrl-1',
      up: false,
      consecutive_failures: 3,
      last_error: 'y',
      field_errors: 1,
    });
    controller.abort();
  });

  it('leaves the count off unknown devices', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    fixture.bus.emit('device_state', { device_id: 'not-configured', up: true, consecutive_failures: 0 });
    const event = await nextEvent(reader, (name) => name === 'device_state');
    expect(JSON.parse(event.data)).toEqual({ device_id: 'not-configured', up: true, consecutive_failures: 0 });
    controller.abort();
  });

  it('pushes rejected payloads', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    fixture.bus.emit('input_problem', {
      source: 'mqtt',
      code: 'PAYLOAD_JSON_INVALID',
      message: 'unexpected end of JSON input',
      device_id: 'room-1',
      topic: 'rooms/1',
      payload_rejected: true,
    });
    const event = await nextEvent(reader, (name) => name === 'payload_error');
    expect(JSON.parse(event.data)).toEqual({
      device_id: 'room-1',
      code: 'PAYLOAD_JSON_INVALID',
      message: 'unexpected end of JSON input',
      topic: 'rooms/1',
    });
    controller.abort();
  });

  it('leaves other input problems out', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    const rejected = { source: 'mqtt' as const, code: 'PAYLOAD_JSON_INVALID', message: 'x', payload_rejected: true };
    fixture.bus.emit('input_problem', { ...rejected, device_id: 'not-configured' });
    fixture.bus.emit('input_problem', {
      source: 'mqtt',
      code: 'MQTT_RETAINED_SKIPPED',
      message: 'y',
      device_id: 'room-1',
    });
    // A later event of another name shows that the feed sent no payload_error before it.
    fixture.bus.emit('field_error', { device_id: 'room-1', field: 'air_temp_c', code: 'FIELD_MISSING', message: 'z' });
    const event = await nextEvent(reader, (name) => name === 'payload_error' || name === 'field_error');
    expect(event.name).toBe('field_error');
    controller.abort();
  });

  it('pushes alarm changes', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    fixture.alarms.raise({
      id: 'a7',
      site: 'north-hub',
      asset: 'room-1',
      level: 'critical',
      kind: 'high_temp',
      message: 'x',
      raised_ms: 1,
    });
    const event = await nextEvent(reader, (name) => name === 'alarm');
    expect(JSON.parse(event.data).id).toBe('a7');
    controller.abort();
  });

  it('pushes new plans', async () => {
    const controller = new AbortController();
    const reader = (await fetch(`${url}/api/v1/live`, { signal: controller.signal })).body!.getReader();
    await fetch(`${url}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"scenario":"night"}',
    });
    const event = await nextEvent(reader, (name) => name === 'plan');
    expect(JSON.parse(event.data).scenario).toBe('night');
    controller.abort();
  });

  it('drops a client that stops reading', async () => {
    const slow: Socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.pause();
    slow.write('GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const bulky: Reading = { ...roomReading(1, 4), fields: { air_temp_c: 4, note: 'x'.repeat(16_384) } };
    // Enough data to fill the kernel socket buffers on both ends and then the 64 KiB feed buffer.
    for (let i = 0; i < 4000 && !slow.destroyed; i++) {
      fixture.bus.emit('reading', bulky);
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const metrics = (await (await fetch(`${url}/api/v1/gateway/metrics`)).json()) as {
      live: { dropped_clients: number; clients: number };
    };
    expect(metrics.live.dropped_clients).toBe(1);
    expect(metrics.live.clients).toBe(0);
    slow.resume();
    await closed;
  });

  it('refuses clients beyond the limit', async () => {
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    for (const controller of controllers) await fetch(`${url}/api/v1/live`, { signal: controller.signal });
    const response = await fetch(`${url}/api/v1/live`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('API_SERVICE_UNAVAILABLE');
    for (const controller of controllers) controller.abort();
  });
});
