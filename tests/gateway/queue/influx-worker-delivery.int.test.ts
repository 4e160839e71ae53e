import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxWorkerSink } from '../../../gateway/outputs/influx-worker-sink.js';
import { listDeadLetters } from '../../../gateway/queue/dead-letters.js';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import { QueueConsumer } from '../../../gateway/queue/queue-consumer.js';
import { type Influxd, startInfluxd } from '../../harness/influxd.js';
import { count, reading, until } from './support/delivery-fixtures.js';

/** Opens a queue whose rows carry the sink's line protocol, and its JSON too with `keep_readings`. */
function open(
  url: string,
  options: { keep_readings?: boolean; writes_in_flight?: number; page_points?: number; retry_ms?: number } = {},
): { queue: DurableQueue; sink: InfluxWorkerSink } {
  const path = join(mkdtempSync(join(tmpdir(), 'coldpool-worker-')), 'queue.db');
  const sink = new InfluxWorkerSink(
    {
      url,
      writes_in_flight: options.writes_in_flight ?? 2,
      batch_size: 100,
      retry_initial_ms: options.retry_ms ?? 500,
      retry_max_ms: options.retry_ms ?? 500,
    },
    path,
  );
  const queue = new DurableQueue({
    path,
    outputs: ['influx'],
    commit_delay_ms: 1,
    commit_max_points: 50,
    page_points: options.page_points ?? 100,
    line_encoder: (item) => sink.encodeLine(item),
    keep_readings: options.keep_readings ?? false,
  });
  return { queue, sink };
}

describe('InfluxDB output on a worker thread', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });

  afterAll(async () => {
    await influxd?.stop();
  });

  it('writes backlog with two pages', async () => {
    const { queue, sink } = open(`${influxd.url}/worker_backlog`);
    queue.enqueue(Array.from({ length: 2000 }, (_, index) => reading(index + 1)));
    queue.commit();
    const consumer = new QueueConsumer(queue, sink, { pages_in_flight: sink.pages_in_flight });
    await consumer.start();
    await until(() => consumer.stats().written === 2000);
    await consumer.stop();
    expect(queue.cursorOf('influx')).toBe(queue.last_id);
    expect(queue.stats().depth_points).toBe(0);
    queue.close();
    expect(await count(influxd, 'worker_backlog')).toBe(2000);
  });

  it('names reading behind rejected line', async () => {
    const { queue, sink } = open(`${influxd.url}/worker_conflict`, { keep_readings: true });
    const consumer = new QueueConsumer(queue, sink);
    await consumer.start();
    queue.enqueue([{ ...reading(1, { level: 1 }), integer_fields: new Set(['seq', 'level']) }]);
    await until(() => consumer.stats().written === 1);
    const rejected: string[] = [];
    sink.on('rejected', ({ reason }: { reason: string }) => rejected.push(reason));
    queue.enqueue([{ ...reading(2), fields: { level: 2.5 } }]);
    await until(() => consumer.stats().rejected === 1);
    await consumer.stop();
    const letters = listDeadLetters(queue.settings.path);
    queue.close();
    expect(rejected[0]).toContain('field type conflict');
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reading?.sequence).toBe(2);
  });

  it('retries through influxd outage', async () => {
    const outage = await startInfluxd();
    const { queue, sink } = open(`${outage.url}/worker_outage`, { retry_ms: 100 });
    const consumer = new QueueConsumer(queue, sink, { pages_in_flight: 2 });
    const codes: string[] = [];
    sink.on('write_error', ({ error }: { error: { code: string } }) => {
      codes.push(error.code);
      consumer.countWriteError();
    });
    await consumer.start();
    await outage.kill();
    queue.enqueue(Array.from({ length: 300 }, (_, index) => reading(index + 1)));
    await until(() => consumer.stats().write_errors >= 3);
    expect(queue.stats().depth_points).toBe(300);
    await outage.restart();
    await until(() => consumer.stats().written === 300);
    await consumer.stop();
    queue.close();
    const stored = await count(outage, 'worker_outage');
    await outage.stop();
    expect(codes).toContain('INFLUX_UNREACHABLE');
    expect(stored).toBe(300);
  });

  it('leaves pages queued on stop', async () => {
    const outage = await startInfluxd();
    await outage.kill();
    const { queue, sink } = open(`${outage.url}/worker_stopped`, { retry_ms: 100 });
    const consumer = new QueueConsumer(queue, sink, { stop_timeout_ms: 200, pages_in_flight: 2 });
    await consumer.start();
    queue.enqueue(Array.from({ length: 150 }, (_, index) => reading(index + 1)));
    queue.commit();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consumer.stop();
    expect(queue.stats().depth_points).toBe(150);
    expect(queue.cursorOf('influx')).toBe(0);
    queue.close();
    await outage.stop();
  });
});
