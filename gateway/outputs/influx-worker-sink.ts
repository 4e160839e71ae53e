/**
 * The InfluxDB sink of the durable queue, with its writes on a worker thread (`influx-worker.ts`). Line
 * protocol is still made on the calling thread at commit time (`encodeLine`). The worker splits pages
 * into batches, sends them and waits for the replies. Events are those of `InfluxSink`: `write_error`
 * ({ error, attempt }), `rejected` ({ count, reason }), `fields_dropped` (`DroppedFieldsReport`) and
 * `field_type_conflict` (`FieldConflictCount`).
 *
 * A worker that dies (out of memory, a bug) fails the pages it was sending. The queue consumer reports
 * the failure and reads those pages again, and the next page starts a new worker.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../module-worker.js';
import type { LineRow } from '../queue/queue-store.js';
import type { QueuedPoint } from '../queue/queued-point.js';
import type { DeliveryReport, Sink } from '../queue/sink.js';
import type { Reading } from '../reading.js';
import { InfluxLineEncoder } from './influx-line-encoder.js';
import { type InfluxOutputOptions, type InfluxSettings, resolveInfluxOptions } from './influx-options.js';
import type { FromInfluxWorker, InfluxWorkerData, ToInfluxWorker } from './influx-worker.js';
import { InfluxWriteError } from './output-errors.js';

/**
 * Pages handed to the worker per write it sends at once. The worker starts a waiting page as soon as a
 * write settles, because the main thread may be busy with MQTT reads for tens of milliseconds before it
 * can read and hand over the next one.
 */
export const PAGES_PER_WRITE_SLOT = 2;

/**
 * Characters of line protocol that the worker may hold beyond its first page. Further pages wait on the
 * main thread, so large pages (a high `page_points`, long lines) are written fewer at a time instead of
 * filling the worker's heap. Four pages of the default size (5,000 points) stay well under it.
 */
export const WORKER_PAGE_CHARS = 16 * 1024 * 1024;

/** Heap limits of the worker, which keeps one page and further pages up to `WORKER_PAGE_CHARS`. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 };

/** Hint added to the error of a worker that ran out of its heap. */
const OUT_OF_MEMORY_HINT =
  'lower outputs.queue.page_points or outputs.influx.writes_in_flight, or set outputs.influx.worker_thread: false';

/** Time `stop()` waits for the worker to close its connections before it terminates it, in milliseconds. */
const STOP_TIMEOUT_MS = 5000;

interface PendingDelivery {
  resolve(report: DeliveryReport): void;
  reject(error: unknown): void;
}

/** A page request, posted to the worker or waiting on this thread for room. */
interface PageRequest {
  message: Extract<ToInfluxWorker, { type: 'rows' | 'points' }>;
  /** Characters of line protocol or JSON in the page, an estimate of its size in the worker. */
  chars: number;
}

/** Returns the characters of a page, with an estimate of 200 per point for a page sent as readings. */
function pageChars(message: PageRequest['message']): number {
  if (message.type === 'points') return message.points.length * 200;
  let chars = 0;
  for (const row of message.rows) chars += (row.lines ?? row.body ?? '').length;
  return chars;
}

export class InfluxWorkerSink extends EventEmitter implements Sink {
  readonly name = 'influx';
  private readonly settings: InfluxSettings;
  private readonly encoder: InfluxLineEncoder;
  /** Fields left out of lines that the worker serialised at send time, for rows stored without a line. */
  private sendDroppedFields = 0;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, PendingDelivery>();
  /** Characters of each page posted to the worker and not settled, by request id. */
  private readonly posted = new Map<number, number>();
  private postedChars = 0;
  /** Requests waiting on this thread until the worker has room for them. */
  private readonly waiting: Array<PageRequest & { id: number }> = [];
  private nextId = 1;
  private aborted = false;

  /** Checks the options at once; `queue_path` is the durable queue's file. */
  constructor(
    private readonly options: InfluxOutputOptions,
    private readonly queue_path: string,
  ) {
    super();
    this.settings = resolveInfluxOptions(options);
    this.encoder = new InfluxLineEncoder(this.settings.precision, (report) => this.emit('fields_dropped', report));
  }

  /**
   * Pages handed to the worker before the first is settled: twice the write requests it sends at once.
   * InfluxDB stores each point by series and time, in any order.
   */
  get pages_in_flight(): number {
    return this.settings.writes_in_flight * PAGES_PER_WRITE_SLOT;
  }

  /** Starts the worker, which creates the database when missing (an unreachable server is reported and retried). */
  async start(): Promise<void> {
    const worker = this.spawn();
    await new Promise<void>((resolve) => {
      const onMessage = (message: FromInfluxWorker): void => {
        if (message.type !== 'started') return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve();
      };
      const onExit = (): void => {
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      this.post({ type: 'start' });
    });
  }

  deliver(points: readonly QueuedPoint[], signal: AbortSignal): Promise<DeliveryReport> {
    return this.request({ type: 'points', id: 0, points }, signal);
  }

  /** Hands rows stored with line protocol to the worker; rejected lines are named from the queue file there. */
  deliverRows(rows: readonly LineRow[], signal: AbortSignal): Promise<DeliveryReport> {
    return this.request({ type: 'rows', id: 0, rows }, signal);
  }

  /** Encodes a reading as the line this sink writes; null when it has no valid field or an invalid name. */
  encodeLine(reading: Reading): string | null {
    return this.encoder.encode(reading);
  }

  /** Fields left out of written points (null, NaN, ±Infinity...), counted since construction. */
  get dropped_fields(): number {
    return this.encoder.dropped_fields + this.sendDroppedFields;
  }

  /** Lets the worker close its connections for at most `timeout_ms`, then ends it. */
  async stop(timeout_ms: number = STOP_TIMEOUT_MS): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ type: 'stop' });
    const timer = setTimeout(() => void worker.terminate(), timeout_ms);
    await exited;
    clearTimeout(timer);
  }

  private request(
    message: Extract<ToInfluxWorker, { type: 'rows' | 'points' }>,
    signal: AbortSignal,
  ): Promise<DeliveryReport> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.worker === undefined) this.spawn();
    const id = this.nextId++;
    const delivery = this.awaitDelivery(id, signal);
    this.waiting.push({ id, message, chars: pageChars(message) });
    this.postWaiting();
    return delivery;
  }

  /**
   * Registers request `id` and returns its delivery. The page is kept out of this scope, because the
   * callbacks made here live until the worker reports and would keep the posted page on this thread.
   */
  private awaitDelivery(id: number, signal: AbortSignal): Promise<DeliveryReport> {
    return new Promise<DeliveryReport>((resolve, reject) => {
      const onAbort = (): void => {
        this.settle(id);
        this.abortWorker();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (report) => {
          done();
          resolve(report);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
    });
  }

  /** Posts waiting pages in order while the worker has room: `pages_in_flight` pages, `WORKER_PAGE_CHARS`. */
  private postWaiting(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as PageRequest & { id: number };
      if (this.posted.size >= this.pages_in_flight) return;
      if (this.posted.size > 0 && this.postedChars + next.chars > WORKER_PAGE_CHARS) return;
      this.waiting.shift();
      this.posted.set(next.id, next.chars);
      this.postedChars += next.chars;
      this.post({ ...next.message, id: next.id });
    }
  }

  /** Forgets a settled or abandoned request and lets the next waiting page through. */
  private settle(id: number): void {
    this.pending.delete(id);
    const chars = this.posted.get(id);
    if (chars !== undefined) {
      this.posted.delete(id);
      this.postedChars -= chars;
    } else {
      const index = this.waiting.findIndex((request) => request.id === id);
      if (index >= 0) this.waiting.splice(index, 1);
    }
    this.postWaiting();
  }

  private spawn(): Worker {
    const workerData: InfluxWorkerData = { options: this.options, queue_path: this.queue_path };
    const worker = startModuleWorker(import.meta.url, 'influx-worker', { workerData, resourceLimits: WORKER_LIMITS });
    // The gateway stops the worker itself; an unreferenced worker does not keep a finished process alive.
    worker.unref();
    worker.on('message', (message: FromInfluxWorker) => this.receive(message));
    worker.on('error', (error: Error & { code?: string }) => {
      const hint = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `; ${OUT_OF_MEMORY_HINT}` : '';
      this.failAll(`InfluxDB output worker failed: ${error.message}${hint}`);
    });
    worker.once('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(`InfluxDB output worker exited with code ${code}`);
    });
    this.worker = worker;
    this.aborted = false;
    return worker;
  }

  private receive(message: FromInfluxWorker): void {
    switch (message.type) {
      case 'report':
        this.pending.get(message.id)?.resolve(message.report);
        this.settle(message.id);
        return;
      case 'failed':
        this.pending.get(message.id)?.reject(new Error(message.message));
        this.settle(message.id);
        return;
      case 'write_error': {
        const error = new InfluxWriteError(message.code ?? 'INFLUX_HTTP_ERROR', message.message);
        this.emit('write_error', { error, attempt: message.attempt });
        return;
      }
      case 'rejected':
        this.emit('rejected', { count: message.count, reason: message.reason });
        return;
      case 'fields_dropped':
        this.sendDroppedFields += message.report.dropped_fields.length;
        this.emit('fields_dropped', message.report);
        return;
      case 'field_type_conflict':
        this.emit('field_type_conflict', message.conflict);
        return;
    }
  }

  private abortWorker(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.post({ type: 'abort' });
  }

  private failAll(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.posted.clear();
    this.postedChars = 0;
    this.waiting.length = 0;
    for (const delivery of pending) delivery.reject(new Error(reason));
  }

  private post(message: ToInfluxWorker): void {
    this.worker?.postMessage(message);
  }
}
