import { afterEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../../../gateway/api/server.js';
import { type ApiFixture, createApiFixture, roomReading } from './api-fixture.js';

interface Frame {
  id: string | undefined;
  name: string;
  data: string;
}

/** An open event stream with the frames read so far. */
interface Stream {
  controller: AbortController;
  next(predicate: (frame: Frame) => boolean): Promise<Frame>;
}

/** Opens the live feed, sending `last_event_id` as the Last-Event-ID header when given. */
async function openStream(url: string, last_event_id?: string): Promise<Stream> {
  const controller = new AbortController();
  const headers: Record<string, string> = last_event_id === undefined ? {} : { 'last-event-id': last_event_id };
  const response = await fetch(`${url}/api/v1/live`, { signal: controller.signal, headers });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffered = '';
  return {
    controller,
    async next(predicate) {
      for (;;) {
        const index = frames.findIndex(predicate);
        if (index >= 0) return frames.splice(0, index + 1)[index] as Frame;
        const { value, done } = await reader.read();
        if (done) throw new Error('event stream ended before the expected event');
        buffered += decoder.decode(value, { stream: true });
        let end = buffered.indexOf('\n\n');
        while (end >= 0) {
          const text = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const name = /^event: (.*)$/m.exec(text)?.[1];
          const data = /^data: (.*)$/m.exec(text)?.[1];
          if (name !== undefined && data !== undefined) frames.push({ id: /^id: (.*)$/m.exec(text)?.[1], name, data });
          end = buffered.indexOf('\n\n');
        }
      }
    },
  };
}

const isReading = (frame: Frame) => frame.name === 'reading';

/** Waits until the server has seen the stream close, so the feed counts no client. */
async function closeStream(url: string, stream: Stream): Promise<void> {
  stream.controller.abort();
  for (let attempt = 0; attempt < 100; attempt++) {
    const metrics = (await (await fetch(`${url}/api/v1/gateway/metrics`)).json()) as { live: { clients: number } };
    if (metrics.live.clients === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the feed still counts the closed stream');
}

describe('live feed resume', () => {
  let fixture: ApiFixture | undefined;

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  async function start(live: Record<string, number> = {}): Promise<{ api: ApiFixture; url: string }> {
    fixture = await createApiFixture({ live });
    return { api: fixture, url: await startApiServer(fixture.app, { port: 0 }) };
  }

  it('gives every event an id', async () => {
    const { api, url } = await start();
    const stream = await openStream(url);
    api.publish(roomReading(1_000, 4.5));
    api.publish(roomReading(2_000, 4.6));
    const first = await stream.next(isReading);
    const second = await stream.next(isReading);
    expect(first.id).toMatch(/^[0-9a-f]+-1$/);
    expect(second.id).toMatch(/^[0-9a-f]+-2$/);
    stream.controller.abort();
  });

  it('sends the events missed while away', async () => {
    const { api, url } = await start();
    const stream = await openStream(url);
    api.publish(roomReading(1_000, 4.5));
    const seen = await stream.next(isReading);
    await closeStream(url, stream);
    api.publish(roomReading(2_000, 4.6));
    api.publish(roomReading(3_000, 4.7));
    const resumed = await openStream(url, seen.id);
    const first = await resumed.next(isReading);
    const second = await resumed.next(isReading);
    expect(JSON.parse(first.data).fields.air_temp_c).toBe(4.6);
    expect(JSON.parse(second.data).fields.air_temp_c).toBe(4.7);
    resumed.controller.abort();
  });

  it('resyncs an id of another run', async () => {
    const { url } = await start();
    const stream = await openStream(url, 'abcdef012345-7');
    const frame = await stream.next((candidate) => candidate.name === 'resync');
    expect(JSON.parse(frame.data)).toEqual({ reason: 'gateway_restarted' });
    expect(frame.id).toBeUndefined();
    stream.controller.abort();
  });

  it('resyncs a malformed id', async () => {
    const { url } = await start();
    const stream = await openStream(url, 'not an id');
    const frame = await stream.next((candidate) => candidate.name === 'resync');
    expect(JSON.parse(frame.data)).toEqual({ reason: 'invalid_last_event_id' });
    stream.controller.abort();
  });

  it('resyncs after the replay window', async () => {
    const { api, url } = await start({ replay_window_ms: 0 });
    const stream = await openStream(url);
    api.publish(roomReading(1_000, 4.5));
    const seen = await stream.next(isReading);
    await closeStream(url, stream);
    await new Promise((resolve) => setTimeout(resolve, 5));
    api.publish(roomReading(2_000, 4.6));
    const resumed = await openStream(url, seen.id);
    const frame = await resumed.next((candidate) => candidate.name === 'resync');
    expect(JSON.parse(frame.data)).toEqual({ reason: 'events_expired' });
    resumed.controller.abort();
  });

  it('resyncs more missed events than a client may queue', async () => {
    const { api, url } = await start({ max_buffer_bytes: 4096 });
    const stream = await openStream(url);
    api.publish(roomReading(1_000, 4.5));
    const seen = await stream.next(isReading);
    await closeStream(url, stream);
    for (let i = 0; i < 40; i++) api.publish(roomReading(2_000 + i, 5));
    const resumed = await openStream(url, seen.id);
    const frame = await resumed.next((candidate) => candidate.name === 'resync');
    expect(JSON.parse(frame.data)).toEqual({ reason: 'too_many_missed' });
    resumed.controller.abort();
  });
});
