/**
 * Feeds one sink from the durable queue. It reads pages of points after the sink's cursor and hands up
 * to `pages_in_flight` of them to the sink at once. A page is acknowledged once the sink settled it and
 * every page before it. The cursor moves and dead letters are stored in one transaction. At most
 * `pages_in_flight` pages are in memory per output, whatever the backlog.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
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
  /**
   * Pages handed to the sink before the first of them is settled. Default 1. With 2, the next write is
   * on its way while the server stores the previous one. Pages may then be stored out of order, which
   * the sink must accept (InfluxDB stores each point by series and timestamp, whatever the order).
   */
  pages_in_flight?: number;
}

/** A page handed to the sink: the id of its last row and its delivery. */
interface InFlightPage {
  last_id: number;
  delivery: Promise<DeliveryReport>;
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
  /** Time `stop()` lets a page in flight finish before it aborts the page, in milliseconds. */
  readonly stopTimeoutMs: number;
  private readonly idlePollMs: number;
  /** Pages handed to the sink and not yet settled, oldest first. */
  private readonly inFlight: InFlightPage[] = [];
  private readonly pagesInFlight: number;
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
    this.pagesInFlight = Math.max(1, Math.floor(options.pages_in_flight ?? 1));
    // A sink may listen for the abort once per page in flight, more than Node's default warning level of 10.
    setMaxListeners(Math.max(10, this.pagesInFlight + 1), this.abort.signal);
  }

  /** Starts the sink, then the delivery loop. */
  async start(): Promise<void> {
    if (this.running !== undefined) return;
    await this.sink.start();
    this.queue.on('committed', this.onCommitted);
    this.running = this.loop();
  }

  /** Returns true while the sink has a page that has not settled, which `stop()` then waits for. */
  get busy(): boolean {
    return this.inFlight.length > 0;
  }

  /**
   * Lets the current page finish, aborts it if it has not, then stops the sink with the time left. The
   * page and the sink's stop share one `stop_timeout_ms`, so the stop ends within it (plus the time the
   * sink needs to close its connections).
   */
  async stop(): Promise<void> {
    if (this.running === undefined) return;
    const deadline = Date.now() + this.stopTimeoutMs;
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
    await this.sink.stop(Math.max(0, deadline - Date.now()));
  }

  stats(): ConsumerStats {
    return { ...this.counters, pending: this.queue.pendingFor(this.sink.name) };
  }

  /** Counts a failed attempt reported by the sink (a refused connection, a 5xx, a timeout). */
  countWriteError(): void {
    this.counters.write_errors += 1;
  }

  /** Reads the next page after row id `after` and hands it to the sink; undefined when there is none. */
  private deliverAfter(after: number): InFlightPage | undefined {
    const max = this.queue.settings.page_points;
    if (this.sink.deliverRows !== undefined && this.queue.has_lines) {
      const rows = this.queue.readLinePage(after, max);
      const last = rows.at(-1);
      if (last === undefined) return undefined;
      const delivery = this.sink.deliverRows(rows, this.abort.signal, (id) => this.queue.readingsOf(id));
      return { last_id: last.id, delivery };
    }
    const page = this.queue.readPage(after, max);
    const last = page.at(-1);
    if (last === undefined) return undefined;
    return { last_id: last.id, delivery: this.sink.deliver(page, this.abort.signal) };
  }

  private async loop(): Promise<void> {
    const inFlight = this.inFlight;
    while (!this.stopping) {
      let page: InFlightPage | undefined;
      let report: DeliveryReport;
      try {
        // Pages are read after the last one handed out, so a page in flight is never read twice.
        while (inFlight.length < this.pagesInFlight) {
          const after = inFlight.at(-1)?.last_id ?? this.queue.cursorOf(this.sink.name);
          const next = this.deliverAfter(after);
          if (next === undefined) break;
          // A page that fails is reported when its turn comes; until then its rejection is held here.
          next.delivery.catch(() => undefined);
          inFlight.push(next);
        }
        page = inFlight[0];
        if (page === undefined) {
          await this.idle();
          continue;
        }
        report = await page.delivery;
      } catch (error) {
        // The pages after a failed one are settled and dropped: the next round reads them again from
        // the cursor, and a point written twice overwrites itself.
        const dropped = inFlight.splice(0);
        await Promise.allSettled(dropped.map((item) => item.delivery));
        if (this.abort.signal.aborted) return;
        this.emit('failed', error);
        await this.idle();
        continue;
      }
      inFlight.shift();
      this.queue.acknowledge(this.sink.name, page.last_id, report.dead_letters);
      this.record(report);
    }
    await Promise.allSettled(inFlight.map((item) => item.delivery));
    inFlight.splice(0);
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
