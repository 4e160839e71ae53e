import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import type { DroppedFieldsReport } from '../../gateway/outputs/influx-line-encoder.js';
import { InfluxSink } from '../../gateway/outputs/influx-sink.js';
import { InfluxWorkerSink } from '../../gateway/outputs/influx-worker-sink.js';
import type { Reading } from '../../gateway/reading.js';

const DROPPED_FIELD_MESSAGE = 'field not written to influxdb; the other fields of the reading are written';

/**
 * Starts an InfluxDB 1.x stand-in on 127.0.0.1. /ping returns 204, /query lists the database, and /write
 * stores each request body in `writes` and returns 204.
 */
async function fakeInflux(): Promise<{ server: Server; url: string; writes: string[] }> {
  const writes: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/write') writes.push(body);
      if (path === '/query') {
        response.writeHead(200, { 'content-type': 'application/json' });
        const databases = { name: 'databases', columns: ['name'], values: [['coldpool']] };
        response.end(JSON.stringify({ results: [{ statement_id: 0, series: [databases] }] }));
        return;
      }
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/coldpool`, writes };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Returns reading `seq` of device room-1: a valid temperature and a note with a newline in it. */
function readingWithNewline(seq: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device: 'room-1' },
    fields: { air_temp_c: 3.5, note: 'door\nopen' },
    integer_fields: new Set(),
    time_ms: 1_764_864_000_000 + seq * 1000,
    time_source: 'source',
  };
}

describe.each([true, false])('dropped field log, worker_thread %s', (workerThread) => {
  let gateway: Gateway | undefined;
  let influx: Server | undefined;

  afterEach(async () => {
    await gateway?.stop();
    await new Promise<void>((resolve) => (influx ? influx.close(() => resolve()) : resolve()));
  });

  it('logs the device, field and reason once', async () => {
    const fake = await fakeInflux();
    influx = fake.server;
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-dropped-field-'));
    const config = validateConfig({
      mqtt: { broker: { port: 0 } },
      alarms: { enabled: false },
      outputs: {
        local_store: { enabled: false, path: join(dir, 'store.db') },
        queue: { path: join(dir, 'queue.db'), self_metrics_interval_s: 0 },
        influx: { url: fake.url, worker_thread: workerThread },
      },
    });
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    gateway = new Gateway(config, log);
    await gateway.start();

    gateway.bus.emit('reading', readingWithNewline(1));
    await until(() => fake.writes.length >= 1);
    gateway.bus.emit('reading', readingWithNewline(2));
    await until(() => fake.writes.length >= 2);

    const written = fake.writes.join('\n').split('\n');
    expect(written).toHaveLength(2);
    for (const line of written) {
      expect(line).toContain(' air_temp_c=3.5 ');
      expect(line).not.toContain('note');
    }
    const dropped = lines.filter((line) => line.msg === DROPPED_FIELD_MESSAGE);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.device_id).toBe('room-1');
    expect(dropped[0]?.measurement).toBe('cold_room');
    expect(dropped[0]?.field).toBe('note');
    expect(dropped[0]?.reason).toBe('newline');
    expect(dropped[0]?.output).toBe('influx');
  });
});

describe.each([true, false])('fields dropped at send time, worker_thread %s', (workerThread) => {
  let influx: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (influx ? influx.close(() => resolve()) : resolve()));
  });

  it('emits the report of a reading sent as JSON', async () => {
    const fake = await fakeInflux();
    influx = fake.server;
    const queuePath = join(mkdtempSync(join(tmpdir(), 'coldpool-dropped-field-')), 'queue.db');
    const sink = workerThread ? new InfluxWorkerSink({ url: fake.url }, queuePath) : new InfluxSink({ url: fake.url });
    const reports: DroppedFieldsReport[] = [];
    sink.on('fields_dropped', (report: DroppedFieldsReport) => reports.push(report));
    await sink.start();
    const point = { id: 1, reading: readingWithNewline(1), enqueued_ms: 0 };
    const report = await sink.deliver([point], new AbortController().signal);
    await sink.stop();

    expect(report.written).toBe(1);
    expect(fake.writes.join('\n')).toContain(' air_temp_c=3.5 ');
    expect(reports).toEqual([
      { device_id: 'room-1', measurement: 'cold_room', dropped_fields: [{ field: 'note', reason: 'newline' }] },
    ]);
    expect(sink.dropped_fields).toBe(1);
  });
});
