import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmNotifier, type AlarmNotifierOptions } from '../../../gateway/alarms/alarm-notifier.js';
import { ColdChainMonitor } from '../../../gateway/alarms/cold-chain-monitor.js';
import { NotificationOutbox, type OutboxEntry } from '../../../gateway/alarms/notification-outbox.js';
import { notifySchema } from '../../../gateway/alarms/notify-schema.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../../../gateway/alarms/webhook-sender.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { EventBus } from '../../../gateway/events.js';
import { raiseWith, START_MS, temperatureReading } from './scenario-harness.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** An HTTP receiver on 127.0.0.1 that responds to each request with the next of `statuses`, then 200. */
class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly statuses: number[] = []) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/alarms`;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = this.statuses[this.received.length - 1] ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const { server } = this;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let directory: string;
let receivers: Receiver[];
let databases: Database.Database[];
let logLines: Array<Record<string, unknown>>;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-outbox-'));
  receivers = [];
  databases = [];
  logLines = [];
});
afterEach(async () => {
  for (const receiver of receivers) await receiver.close();
  for (const db of databases) if (db.open) db.close();
  rmSync(directory, { recursive: true, force: true });
});

function storePath(): string {
  return join(directory, 'records.sqlite');
}

async function startReceiver(statuses: number[] = []): Promise<Receiver> {
  const receiver = new Receiver(statuses);
  receivers.push(receiver);
  await receiver.listen();
  return receiver;
}

function openOutbox(max_rows = 10_000): NotificationOutbox {
  const db = openRecordsDatabase(storePath());
  databases.push(db);
  return new NotificationOutbox(db, max_rows);
}

/** Returns the rows of the outbox in the store file, read through a connection of its own. */
function storedRows() {
  const db = openRecordsDatabase(storePath());
  try {
    return new NotificationOutbox(db, 10_000).rows();
  } finally {
    db.close();
  }
}

/** Resolves with the first `delivered` event, or rejects after 5 s. */
function nextDelivery(notifier: AlarmNotifier) {
  return once(notifier, 'delivered', { signal: AbortSignal.timeout(5_000) });
}

function notifierWith(options: Partial<AlarmNotifierOptions> & { notify: AlarmNotifierOptions['notify'] }) {
  return new AlarmNotifier({ retry_interval_ms: 10, ...options });
}

function logger() {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return pino({ level: 'info' }, stream);
}

function startMonitor(notify: unknown) {
  const config = alarmConfigSchema.parse({
    store_path: storePath(),
    assets: [{ id: 'room-1', class: 'chilled', rules: [{ direction: 'high', level: 'alarm', threshold_c: 5 }] }],
    notify,
  });
  const bus = new EventBus();
  const monitor = new ColdChainMonitor({ config, bus, logger: logger(), clock: () => START_MS });
  monitor.start();
  return { monitor, bus };
}

function logLine(message: RegExp) {
  return logLines.find((line) => message.test(String(line.msg)));
}

describe('notification outbox', () => {
  it('removes a delivered row', async () => {
    const receiver = await startReceiver([200]);
    const outbox = openOutbox();
    const notifier = notifierWith({ notify: notifySchema.parse({ webhooks: [{ url: receiver.url }] }), outbox });
    raiseWith(notifier);
    expect(outbox.count()).toBe(1);
    expect(receiver.received.length).toBe(0);
    await notifier.flush();
    expect(receiver.received.length).toBe(1);
    expect(outbox.count()).toBe(0);
  });

  it('retries once the receiver is back', async () => {
    const receiver = await startReceiver();
    await receiver.close();
    const now = { ms: START_MS };
    const outbox = openOutbox();
    const notifier = notifierWith({
      notify: notifySchema.parse({ webhooks: [{ url: receiver.url, max_attempts: 1, secret_env: 'HOOK_KEY' }] }),
      env: { HOOK_KEY: 'k3y' },
      outbox,
      clock: () => now.ms,
    });
    notifier.resume();
    raiseWith(notifier);
    await notifier.flush();
    const [row] = outbox.rows();
    expect(row?.attempts).toBe(1);
    expect(row?.next_attempt_ms).toBe(START_MS + 30_000);
    expect(row?.last_error).toMatch(/fetch failed/);
    expect(JSON.stringify(outbox.rows())).not.toContain('k3y');

    await receiver.listen();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received.length).toBe(0);
    const delivered = nextDelivery(notifier);
    now.ms += 30_000;
    await delivered;
    await notifier.stop();
    expect(outbox.count()).toBe(0);
    const [request] = receiver.received;
    const timestamp = Number(request?.headers[TIMESTAMP_HEADER]);
    expect(request?.headers[SIGNATURE_HEADER]).toBe(signWebhook('k3y', timestamp, request?.body ?? ''));
    expect(request?.body).toBe(row?.body);
  });

  it('keeps a failed MQTT publish', async () => {
    const now = { ms: START_MS };
    const published: string[] = [];
    const outbox = openOutbox();
    const notifier = notifierWith({
      notify: notifySchema.parse({}),
      outbox,
      clock: () => now.ms,
      publish: (_topic, payload) => {
        published.push(payload);
        if (published.length === 1) throw new Error('broker unreachable');
      },
    });
    notifier.resume();
    raiseWith(notifier);
    await notifier.flush();
    const [row] = outbox.rows();
    expect(row?.channel).toBe('mqtt');
    expect(row?.target).toBe('coldpool/alarms/site-1/room-1/high_alarm');
    expect(row?.last_error).toBe('broker unreachable');

    const delivered = nextDelivery(notifier);
    now.ms += 30_000;
    await delivered;
    await notifier.stop();
    expect(outbox.count()).toBe(0);
    expect(published.length).toBe(2);
    expect(published[1]).toBe(published[0]);
  });

  it('writes nothing after close', async () => {
    for (const outcome of ['resolved', 'rejected'] as const) {
      let settle: (() => void) | undefined;
      const outbox = openOutbox();
      const notifier = notifierWith({
        notify: notifySchema.parse({}),
        outbox,
        publish: () =>
          new Promise<void>((resolve, reject) => {
            settle = outcome === 'resolved' ? resolve : () => reject(new Error('broker unreachable'));
          }),
      });
      const outboxErrors: Error[] = [];
      notifier.on('outbox_failed', ({ error }) => outboxErrors.push(error));
      notifier.resume();
      raiseWith(notifier);
      expect(await notifier.stop(20)).toBe(1);
      databases.at(-1)?.close();
      const event = once(notifier, outcome === 'resolved' ? 'delivered' : 'delivery_failed');
      settle?.();
      await event;
      expect(outboxErrors).toEqual([]);
      const rows = storedRows();
      expect(rows.length).toBe(1);
      expect(rows[0]?.attempts).toBe(0);
      const cleanup = openRecordsDatabase(storePath());
      cleanup.exec('DELETE FROM notification_outbox');
      cleanup.close();
    }
  });

  it('bounds rows at max_rows', () => {
    const outbox = openOutbox(3);
    const entry = (alarm_id: string): OutboxEntry => ({ channel: 'mqtt', target: 'a/b', alarm_id, body: '{}' });
    expect(outbox.add([entry('a'), entry('b')], START_MS).dropped).toBe(0);
    const second = outbox.add([entry('c'), entry('d')], START_MS + 1);
    expect(second.dropped).toBe(1);
    expect(second.rows.map((row) => row.alarm_id)).toEqual(['c', 'd']);
    expect(outbox.rows().map((row) => row.alarm_id)).toEqual(['b', 'c', 'd']);

    const third = outbox.add([entry('e'), entry('f'), entry('g'), entry('h')], START_MS + 2);
    expect(third.dropped).toBe(4);
    expect(third.rows.map((row) => row.alarm_id)).toEqual(['f', 'g', 'h']);
    expect(outbox.rows().map((row) => row.alarm_id)).toEqual(['f', 'g', 'h']);
  });
});

describe('cold chain monitor outbox', () => {
  it('sends leftover rows at restart', async () => {
    const receiver = await startReceiver([503]);
    const notify = { webhooks: [{ url: receiver.url, max_attempts: 1 }] };
    const first = startMonitor(notify);
    first.bus.emit('reading', temperatureReading(START_MS, 7));
    await first.monitor.stop();
    expect(receiver.received.length).toBe(1);
    expect(storedRows().length).toBe(1);
    expect(logLine(/stays queued/)?.alarm_id).toBe(storedRows()[0]?.alarm_id);

    const second = startMonitor(notify);
    await nextDelivery(second.monitor.notifier);
    await second.monitor.stop();
    expect(logLine(/queued by the previous run/)?.queued).toBe(1);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
    expect(storedRows()).toEqual([]);
  });

  it('warns when the cause changes', async () => {
    const receiver = await startReceiver([503]);
    const first = startMonitor({ webhooks: [{ url: receiver.url, max_attempts: 1 }] });
    first.bus.emit('reading', temperatureReading(START_MS, 7));
    await first.monitor.stop();

    const keyName = 'COLDPOOL_TEST_UNSET_WEBHOOK_KEY';
    delete process.env[keyName];
    const second = startMonitor({ webhooks: [{ url: receiver.url, max_attempts: 1, secret_env: keyName }] });
    await once(second.monitor.notifier, 'delivery_failed', { signal: AbortSignal.timeout(5_000) });
    await second.monitor.stop();

    const warnings = logLines.filter((line) => line.level === 40 && /stays queued/.test(String(line.msg)));
    expect(warnings.map((line) => line.failures)).toEqual([1, 2]);
    expect(String((warnings[1]?.err as { message?: string })?.message)).toContain(`${keyName} is not set`);
  });

  it('drops a row on 4xx', async () => {
    const receiver = await startReceiver([400]);
    const { monitor, bus } = startMonitor({ webhooks: [{ url: receiver.url }] });
    bus.emit('reading', temperatureReading(START_MS, 7));
    await monitor.stop();
    expect(receiver.received.length).toBe(1);
    expect(storedRows()).toEqual([]);
    const line = logLine(/^alarm notification not delivered$/);
    expect(line?.level).toBe(40);
    expect(line?.target).toBe(receiver.url);
  });

  it('drops rows past max age', async () => {
    const receiver = await startReceiver();
    const outbox = openOutbox();
    const created_ms = Date.now() - 2 * 86_400_000;
    const [row] = outbox.add(
      [{ channel: 'webhook', target: receiver.url, alarm_id: 'room-1:high_alarm:1', body: '{}' }],
      created_ms,
    ).rows;
    outbox.reschedule(row?.id ?? 0, created_ms + 30_000, 'HTTP 503');
    databases.at(-1)?.close();

    const { monitor } = startMonitor({ webhooks: [{ url: receiver.url }] });
    await new Promise((resolve) => setImmediate(resolve));
    await monitor.stop();
    const line = logLine(/outbox_max_age_s/);
    expect(line?.level).toBe(40);
    expect(line?.alarm_id).toBe('room-1:high_alarm:1');
    expect(line?.channel).toBe('webhook');
    expect(line?.target).toBe(receiver.url);
    expect(line?.age_s).toBeGreaterThanOrEqual(2 * 86_400);
    expect(line?.last_error).toBe('HTTP 503');
    expect(receiver.received.length).toBe(0);
    expect(storedRows()).toEqual([]);
  });

  it('logs rows dropped by the bound', async () => {
    const receiver = await startReceiver([503, 503]);
    const { monitor, bus } = startMonitor({
      outbox_max_rows: 1,
      webhooks: [
        { url: `${receiver.url}/a`, max_attempts: 1 },
        { url: `${receiver.url}/b`, max_attempts: 1 },
      ],
    });
    bus.emit('reading', temperatureReading(START_MS, 7));
    await monitor.stop();
    expect(logLine(/outbox_max_rows/)?.dropped).toBe(1);
    expect(storedRows().map((row) => row.target)).toEqual([`${receiver.url}/b`]);
  });
});
