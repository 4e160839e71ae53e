import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableQueue } from '../../../gateway/queue/durable-queue.js';
import { QueueConsumer, type QueueConsumerOptions } from '../../../gateway/queue/queue-consumer.js';
import type { QueuedPoint } from '../../../gateway/queue/queued-point.js';
import { type DeliveryReport, emptyReport, type Sink } from '../../../gateway/queue/sink.js';
import type { Reading } from '../../../gateway/reading.js';

function reading(seq: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device: 'room-1' },
    fields: { seq },
    integer_fields: new Set(['seq']),
    time_ms: 1_764_864_000_000 + seq,
    time_source: 'source',
  };
}

/** Opens a queue with one row per 10 points and pages of one row. */
function openQueue(points: number): DurableQueue {
  const path = join(mkdtempSync(join(tmpdir(), 'coldpool-consumer-')), 'queue.db');
  const queue = new DurableQueue({ path, outputs: ['held'], commit_max_points: 10, page_points: 10 });
  for (let start = 0; start < points; start += 10) {
    queue.enqueue(Array.from({ length: 10 }, (_, index) => reading(start + index + 1)));
    queue.commit();
  }
  return queue;
}

/** A sink whose pages settle only when the test calls `settle`. */
class HeldSink implements Sink {
  readonly name = 'held';
  readonly pages: { first: number; settle: (error?: Error) => void }[] = [];
  maxInFlight = 0;
  private inFlight = 0;

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  deliver(points: readonly QueuedPoint[]): Promise<DeliveryReport> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) => {
      this.pages.push({
        first: points[0]?.reading.fields.seq as number,
        settle: (error) => {
          this.inFlight -= 1;
          if (error) reject(error);
          else resolve({ ...emptyReport(), written: points.length });
        },
      });
    });
  }
}

/** Opens a queue of `points` points and a consumer, not yet started, that delivers them to a new held sink. */
function heldConsumer(
  points: number,
  options: QueueConsumerOptions,
): { queue: DurableQueue; sink: HeldSink; consumer: QueueConsumer } {
  const queue = openQueue(points);
  const sink = new HeldSink();
  return { queue, sink, consumer: new QueueConsumer(queue, sink, options) };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('QueueConsumer with pages in flight', () => {
  it('acknowledges pages in queue order', async () => {
    const { queue, sink, consumer } = heldConsumer(30, { pages_in_flight: 2, idle_poll_ms: 20 });
    await consumer.start();
    await until(() => sink.pages.length === 2);
    expect(sink.pages.map((page) => page.first)).toEqual([1, 11]);
    // The second page settles first: nothing may be acknowledged before the first.
    sink.pages[1]?.settle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(queue.cursorOf('held')).toBe(0);
    sink.pages[0]?.settle();
    await until(() => queue.cursorOf('held') === 2);
    await until(() => sink.pages.length === 3);
    expect(sink.pages[2]?.first).toBe(21);
    sink.pages[2]?.settle();
    await until(() => consumer.stats().written === 30);
    await consumer.stop();
    expect(sink.maxInFlight).toBe(2);
    queue.close();
  });

  it('rereads from cursor after failure', async () => {
    const { queue, sink, consumer } = heldConsumer(20, { pages_in_flight: 2, idle_poll_ms: 20 });
    const failures: string[] = [];
    consumer.on('failed', (error: Error) => failures.push(error.message));
    await consumer.start();
    await until(() => sink.pages.length === 2);
    sink.pages[1]?.settle();
    sink.pages[0]?.settle(new Error('server went away'));
    await until(() => sink.pages.length === 4);
    expect(failures).toEqual(['server went away']);
    expect(queue.cursorOf('held')).toBe(0);
    expect(sink.pages.slice(2).map((page) => page.first)).toEqual([1, 11]);
    sink.pages[2]?.settle();
    sink.pages[3]?.settle();
    await until(() => queue.cursorOf('held') === 2);
    await consumer.stop();
    expect(consumer.stats().written).toBe(20);
    queue.close();
  });

  it('keeps one page by default', async () => {
    const { queue, sink, consumer } = heldConsumer(20, { idle_poll_ms: 20 });
    await consumer.start();
    await until(() => sink.pages.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.pages).toHaveLength(1);
    sink.pages[0]?.settle();
    await until(() => sink.pages.length === 2);
    sink.pages[1]?.settle();
    await until(() => consumer.stats().written === 20);
    await consumer.stop();
    queue.close();
  });

  it('is busy while a page is held', async () => {
    const { queue, sink, consumer } = heldConsumer(10, { idle_poll_ms: 20 });
    expect(consumer.busy).toBe(false);
    await consumer.start();
    await until(() => sink.pages.length === 1);
    expect(consumer.busy).toBe(true);
    sink.pages[0]?.settle();
    await until(() => consumer.stats().written === 10);
    expect(consumer.busy).toBe(false);
    await consumer.stop();
    queue.close();
  });

  it('is idle after a stop that aborted a page', async () => {
    const { queue, sink, consumer } = heldConsumer(10, { idle_poll_ms: 20, stop_timeout_ms: 50 });
    await consumer.start();
    await until(() => sink.pages.length === 1);
    const stopped = consumer.stop();
    // The held sink ignores the abort signal, so the page is failed here, as a sink does on abort.
    setTimeout(() => sink.pages[0]?.settle(new Error('aborted')), 100);
    await stopped;
    expect(consumer.busy).toBe(false);
    expect(queue.cursorOf('held')).toBe(0);
    queue.close();
  });
});
