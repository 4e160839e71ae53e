import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxSink } from '../../../gateway/outputs/influx-sink.js';
import { listDeadLetters } from '../../../gateway/queue/dead-letters.js';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import { QueueConsumer } from '../../../gateway/queue/queue-consumer.js';
import type { QueuedPoint } from '../../../gateway/queue/queued-point.js';
import type { DeliveryReport, Sink } from '../../../gateway/queue/sink.js';
import type { Reading } from '../../../gateway/reading.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';
import { count, reading, until } from './support/delivery-fixtures.js';

function openQueue(options: { page_points?: number; commit_max_points?: number } = {}): DurableQueue {
  const path = join(mkdtempSync(join(tmpdir(), 'coldpool-delivery-')), 'queue.db');
  return new DurableQueue({ path, outputs: ['influx'], commit_delay_ms: 1, ...options });
}

/** Opens a queue whose rows carry the sink's line protocol and no JSON. */
function lineQueue(sink: InfluxSink, encode = (item: Reading) => sink.encodeLine(item)): DurableQueue {
  return new DurableQueue({
    path: join(mkdtempSync(join(tmpdir(), 'coldpool-lines-')), 'queue.db'),
    outputs: ['influx'],
    commit_delay_ms: 1,
    line_encoder: encode,
    keep_readings: false,
  });
}

/** A real sink that also records the size of every page it was given. */
class PageSizeRecorder implements Sink {
  readonly sizes: number[] = [];
  readonly name: string;

  constructor(private readonly inner: Sink) {
    this.name = inner.name;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  deliver(points: readonly QueuedPoint[], signal: AbortSignal): Promise<DeliveryReport> {
    this.sizes.push(points.length);
    return this.inner.deliver(points, signal);
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}

describe('influx-delivery', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });

  afterAll(async () => {
    await influxd?.stop();
  });

  it('replayed page overwrites itself', async () => {
    const sink = new InfluxSink({ url: `${influxd.url}/replay` });
    await sink.start();
    const queue = openQueue();
    queue.enqueue(Array.from({ length: 20 }, (_, index) => reading(index + 1)));
    queue.commit();
    const page = queue.readPage(0, 100);
    const signal = new AbortController().signal;
    await sink.deliver(page, signal);
    const second = await sink.deliver(page, signal);
    await sink.stop();
    queue.close();
    expect(second.written).toBe(20);
    expect(await count(influxd, 'replay')).toBe(20);
  });

  it('dead-letters a field type conflict', async () => {
    const sink = new InfluxSink({ url: `${influxd.url}/conflict` });
    const queue = openQueue();
    const consumer = new QueueConsumer(queue, sink);
    await consumer.start();
    const integerLevel = (seq: number, level: number): Reading => {
      const point = reading(seq, { level });
      return { ...point, integer_fields: new Set(['seq', 'level']) };
    };
    queue.enqueue([integerLevel(1, 1)]);
    await until(() => consumer.stats().written === 1);
    queue.enqueue([reading(2, { level: 2.5 }), integerLevel(3, 3)]);
    await until(() => consumer.stats().dead_lettered === 1);
    await consumer.stop();
    const letters = listDeadLetters(queue.settings.path);
    queue.close();
    expect(consumer.stats().written).toBe(3);
    expect(consumer.stats().rejected).toBe(0);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reading?.sequence).toBe(2);
    expect(letters[0]?.reading?.fields).toEqual({ level: 2.5 });
    expect(letters[0]?.reason).toContain('field type conflict');
    expect(await count(influxd, 'conflict', 'level')).toBe(2);
    expect(await count(influxd, 'conflict', 'seq')).toBe(3);
  });

  it('dead-letters a point with only conflicting fields', async () => {
    const sink = new InfluxSink({ url: `${influxd.url}/conflict_only` });
    const queue = openQueue();
    const consumer = new QueueConsumer(queue, sink);
    await consumer.start();
    queue.enqueue([{ ...reading(1, { level: 1 }), integer_fields: new Set(['seq', 'level']) }]);
    await until(() => consumer.stats().written === 1);
    queue.enqueue([{ ...reading(2), fields: { level: 2.5 } }]);
    await until(() => consumer.stats().rejected === 1);
    await consumer.stop();
    const letters = listDeadLetters(queue.settings.path);
    queue.close();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reading?.fields).toEqual({ level: 2.5 });
    expect(letters[0]?.reason).toContain('the point has no other field');
  });

  it('sends stored lines as written', async () => {
    const sink = new InfluxSink({ url: `${influxd.url}/lines` });
    const queue = lineQueue(sink);
    queue.enqueue(Array.from({ length: 30 }, (_, index) => reading(index + 1)));
    queue.commit();
    const stored = queue.db
      .prepare("SELECT count(*) AS rows FROM batches WHERE lines IS NOT NULL AND body = '[]'")
      .get() as {
      rows: number;
    };
    const consumer = new QueueConsumer(queue, sink);
    await consumer.start();
    await until(() => consumer.stats().written === 30);
    await consumer.stop();
    queue.close();
    expect(stored.rows).toBe(1);
    expect(await count(influxd, 'lines')).toBe(30);
  });

  it('dead-letters a rejected stored line', async () => {
    const sink = new InfluxSink({ url: `${influxd.url}/line_conflict` });
    const queue = lineQueue(sink);
    const consumer = new QueueConsumer(queue, sink);
    await consumer.start();
    const integerLevel: Reading = { ...reading(1, { level: 1 }), integer_fields: new Set(['seq', 'level']) };
    queue.enqueue([integerLevel]);
    await until(() => consumer.stats().written === 1);
    queue.enqueue([{ ...reading(2), fields: { level: 2.5 } }]);
    await until(() => consumer.stats().rejected === 1);
    await consumer.stop();
    const letters = listDeadLetters(queue.settings.path);
    queue.close();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.line).toContain('level=2.5');
    expect(letters[0]?.reason).toContain('field type conflict');
  });

  it('encodes json rows without lines', async () => {
    const sink = new InfluxSink({ url: `${influxd.url}/fallback` });
    const queue = lineQueue(sink, (item) => (item.sequence === 3 ? null : sink.encodeLine(item)));
    queue.enqueue([reading(1), reading(2)]);
    queue.commit();
    queue.enqueue([reading(3), reading(4)]);
    queue.commit();
    const rows = queue.readLinePage(0, 100);
    const consumer = new QueueConsumer(queue, sink);
    await consumer.start();
    await until(() => consumer.stats().written === 4);
    await consumer.stop();
    queue.close();
    expect(rows.map((row) => row.lines === null)).toEqual([false, true]);
    expect(await count(influxd, 'fallback')).toBe(4);
  });

  it('reads backlog in bounded pages', async () => {
    const recorder = new PageSizeRecorder(new InfluxSink({ url: `${influxd.url}/pages`, batch_size: 100 }));
    const queue = openQueue({ page_points: 250, commit_max_points: 50 });
    queue.enqueue(Array.from({ length: 1000 }, (_, index) => reading(index + 1)));
    queue.commit();
    const consumer = new QueueConsumer(queue, recorder);
    await consumer.start();
    await until(() => consumer.stats().written === 1000);
    await consumer.stop();
    queue.close();
    expect(Math.max(...recorder.sizes)).toBe(250);
    expect(await count(influxd, 'pages')).toBe(1000);
  });

  it('retries until influxd returns', async () => {
    const outage = await startInfluxd();
    const sink = new InfluxSink({ url: `${outage.url}/outage`, retry_initial_ms: 50, retry_max_ms: 200 });
    const queue = openQueue();
    const consumer = new QueueConsumer(queue, sink);
    sink.on('write_error', () => consumer.countWriteError());
    await consumer.start();
    await outage.kill();
    queue.enqueue(Array.from({ length: 30 }, (_, index) => reading(index + 1)));
    await until(() => consumer.stats().write_errors >= 3);
    expect(queue.stats().depth_points).toBe(30);
    await outage.restart();
    await until(() => consumer.stats().written === 30);
    await consumer.stop();
    queue.close();
    const stored = await count(outage, 'outage');
    await outage.stop();
    expect(stored).toBe(30);
  });

  it('stop leaves page queued', async () => {
    const outage = await startInfluxd();
    await outage.kill();
    const sink = new InfluxSink({ url: `${outage.url}/stopped`, retry_initial_ms: 50, retry_max_ms: 100 });
    const queue = openQueue();
    const consumer = new QueueConsumer(queue, sink, { stop_timeout_ms: 200 });
    await consumer.start();
    queue.enqueue([reading(1), reading(2)]);
    queue.commit();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consumer.stop();
    expect(queue.stats().depth_points).toBe(2);
    expect(queue.cursorOf('influx')).toBe(0);
    queue.close();
    await outage.stop();
  });
});
