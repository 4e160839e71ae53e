/**
 * Feeds one sink from the durable queue: reads a page of points after the sink's cursor, waits until
 * the sink settled all of them, then acknowledges the page (the cursor moves and dead letters are
 * stored in the same transaction). Only one page is in memory per output, whatever the backlog.
 */
import { EventEmitter } from 'node:events';
import type { OutputStats } from '../outputs/output.js';
import type { DurableQueue } from './durable-queue.js';
import type { DeliveryReport, Sink } from './sink.js';

/** `OutputStats` plus the rejected points stored as dead letters. */
export interface ConsumerStats extends OutputStats {
  dead_lettered: number;
}

/** Options of `QueueConsumer`. */
export interface QueueConsumerOptions {
  /** Time `stop()` lets the current page finish before aborting it, in milliseconds. Default 5000. */
  stop_timeout_ms?: number;
  /** Time to wait for new points when the queue is empty before reading again, in milliseconds. Default 1000. */
  idle_poll_ms?: number;
}

/** Error used to abort a page when the gateway stops; the page stays queued. */
export class ConsumerStoppedError extends Error {
  override readonly name = 'ConsumerStoppedError';
  readonly code = 'QUEUE_CONSUMER_STOPPED';
}

/** Events: `delivered` (DeliveryReport), `failed` (Error) when a sink throws for a reason other than stop. */
export class QueueConsumer extends EventEmitter {
  private readonly counters = { written: 0, rejected: 0, dropped: 0, dead_lettered: 0, write_errors: 0 };
  private readonly abort = new AbortController();
  private readonly stopTimeoutMs: number;
  private readonly idlePollMs: number;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly onCommitted = (): void => this.wake?.();

  constructor(
    private readonly queue: DurableQueue,
    readonly sink: Sink,
    options: QueueConsumerOptions = {},
  ) {
    super();
    this.stopTimeoutMs = options.stop_timeout_ms ?? 5000;
    this.idlePollMs = options.idle_poll_ms ?? 1000;
  }

  /** Starts the sink, then the delivery loop. */
  async start(): Promise<void> {
    if (this.running !== undefined) return;
    await this.sink.start();
    this.queue.on('committed', this.onCommitted);
    this.running = this.loop();
  }

  /** Lets the current page finish for at most `stop_timeout_ms`, aborts it, then stops the sink. */
  async stop(): Promise<void> {
    if (this.running === undefined) return;
    this.stopping = true;
    this.wake?.();
    this.queue.off('committed', this.onCommitted);
    const timer = setTimeout(
      () => this.abort.abort(new ConsumerStoppedError('the gateway is stopping')),
      this.stopTimeoutMs,
    );
    await this.running;
    clearTimeout(timer);
    this.running = undefined;
    await this.sink.stop();
  }

  stats(): ConsumerStats {
    return { ...this.counters, pending: this.queue.pendingFor(this.sink.name) };
  }

  /** Counts a failed attempt reported by the sink (a refused connection, a 5xx, a timeout). */
  countWriteError(): void {
    this.counters.write_errors += 1;
  }

  /** Reads the next page after the sink's cursor and delivers it; returns the last row id, or undefined when empty. */
  private deliverNext(): { last_id: number; delivery: Promise<DeliveryReport> } | undefined {
    const cursor = this.queue.cursorOf(this.sink.name);
    const max = this.queue.settings.page_points;
    if (this.sink.deliverRows !== undefined && this.queue.has_lines) {
      const rows = this.queue.readLinePage(cursor, max);
      const last = rows.at(-1);
      if (last === undefined) return undefined;
      const delivery = this.sink.deliverRows(rows, this.abort.signal, (id) => this.queue.readingsOf(id));
      return { last_id: last.id, delivery };
    }
    const page = this.queue.readPage(cursor, max);
    const last = page.at(-1);
    if (last === undefined) return undefined;
    return { last_id: last.id, delivery: this.sink.deliver(page, this.abort.signal) };
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let report: DeliveryReport;
      let lastId: number;
      try {
        const next = this.deliverNext();
        if (next === undefined) {
          await this.idle();
          continue;
        }
        lastId = next.last_id;
        report = await next.delivery;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.emit('failed', error);
        await this.idle();
        continue;
      }
      this.queue.acknowledge(this.sink.name, lastId, report.dead_letters);
      this.record(report);
    }
  }

  private record(report: DeliveryReport): void {
    this.counters.written += report.written;
    this.counters.rejected += report.rejected;
    this.counters.dead_lettered += report.dead_letters.length;
    for (const { count } of report.dropped) this.counters.dropped += count;
    this.emit('delivered', report);
  }

  /** Waits for the next commit, `idle_poll_ms`, or `stop()`, whichever comes first. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.idlePollMs);
      const self = this;
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
    });
  }
}
