import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmNotifier } from '../../../gateway/alarms/alarm-notifier.js';
import { notifySchema } from '../../../gateway/alarms/notify-schema.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../../../gateway/alarms/webhook-sender.js';
import { raiseWith } from './scenario-harness.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Starts a receiver on 127.0.0.1 that answers each request with the next status of `statuses`. */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statuses[received.length - 1] ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/alarms`, received };
}

describe('alarm notifier', () => {
  it('signs the webhook body with HMAC-SHA256', async () => {
    const receiver = await startReceiver([200]);
    const notify = notifySchema.parse({ webhooks: [{ url: receiver.url, secret_env: 'HOOK_KEY' }] });
    const notifier = new AlarmNotifier({ notify, env: { HOOK_KEY: 'k3y' } });
    raiseWith(notifier);
    await notifier.flush();
    const [request] = receiver.received;
    const timestamp = Number(request?.headers[TIMESTAMP_HEADER]);
    expect(request?.headers[SIGNATURE_HEADER]).toBe(signWebhook('k3y', timestamp, request?.body ?? ''));
    expect(JSON.parse(request?.body ?? '{}').rule).toBe('high_alarm');
    expect(JSON.parse(request?.body ?? '{}').reason).toBe('raised');
  });

  it('retries a failing webhook with backoff', async () => {
    const receiver = await startReceiver([503, 500, 200]);
    const notify = notifySchema.parse({ webhooks: [{ url: receiver.url, retry_initial_ms: 5 }] });
    const delays: number[] = [];
    const notifier = new AlarmNotifier({
      notify,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    const attempts: number[] = [];
    notifier.on('delivered', (event) => attempts.push(event.attempts));
    raiseWith(notifier);
    await notifier.flush();
    expect(receiver.received.length).toBe(3);
    expect(attempts).toEqual([3]);
    expect(delays.length).toBe(2);
  });

  it('reports a webhook that keeps failing', async () => {
    const receiver = await startReceiver([500, 500]);
    const notify = notifySchema.parse({ webhooks: [{ url: receiver.url, max_attempts: 2, retry_initial_ms: 1 }] });
    const notifier = new AlarmNotifier({ notify });
    const failures: string[] = [];
    notifier.on('delivery_failed', (event) => failures.push((event.error as { code?: string }).code ?? ''));
    raiseWith(notifier);
    await notifier.flush();
    expect(failures).toEqual(['WEBHOOK_DELIVERY_FAILED']);
  });

  it('does not retry a rejected request', async () => {
    const receiver = await startReceiver([400, 200]);
    const notify = notifySchema.parse({ webhooks: [{ url: receiver.url, retry_initial_ms: 1 }] });
    const notifier = new AlarmNotifier({ notify });
    raiseWith(notifier);
    await notifier.flush();
    expect(receiver.received.length).toBe(1);
  });

  it('refuses to send unsigned without its key', async () => {
    const receiver = await startReceiver([200]);
    const notify = notifySchema.parse({ webhooks: [{ url: receiver.url, secret_env: 'MISSING_KEY' }] });
    const notifier = new AlarmNotifier({ notify, env: {} });
    const failures: string[] = [];
    notifier.on('delivery_failed', (event) => failures.push(event.error.message));
    raiseWith(notifier);
    await notifier.flush();
    expect(receiver.received.length).toBe(0);
    expect(failures[0]).toMatch(/MISSING_KEY/);
  });

  it('publishes to the alarm topic', async () => {
    const published: Array<[string, string]> = [];
    const notifier = new AlarmNotifier({
      notify: notifySchema.parse({}),
      publish: (topic, payload) => {
        published.push([topic, payload]);
      },
    });
    raiseWith(notifier);
    await notifier.flush();
    expect(published[0]?.[0]).toBe('coldpool/alarms/site-1/room-1/high_alarm');
    expect(JSON.parse(published[0]?.[1] ?? '{}').value).toBe(7.5);
  });

  it('returns zero once all settled', async () => {
    const notifier = new AlarmNotifier({ notify: notifySchema.parse({}), publish: () => undefined });
    raiseWith(notifier);
    expect(await notifier.flush(1_000)).toBe(0);
  });

  it('gives up a flush after its timeout', async () => {
    // A publish to a broker that is down never settles.
    const notifier = new AlarmNotifier({ notify: notifySchema.parse({}), publish: () => new Promise<void>(() => {}) });
    raiseWith(notifier);
    const started = performance.now();
    expect(await notifier.flush(50)).toBe(1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
