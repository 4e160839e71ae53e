/**
 * Worker-thread entry of the InfluxDB output. It turns pages of queue rows into write requests and waits
 * for InfluxDB's replies on this thread, so that replies are not held up while the main thread reads
 * MQTT. The main thread keeps the queue: it reads the pages, hands them over (`InfluxWorkerSink`) and
 * acknowledges them once this thread reports them settled.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type LineRow, readingsOfRow } from '../queue/queue-store.js';
import type { QueuedPoint } from '../queue/queued-point.js';
import type { DeliveryReport } from '../queue/sink.js';
import type { DroppedFieldsReport } from './influx-line-encoder.js';
import { type InfluxOutputOptions, resolveInfluxOptions } from './influx-options.js';
import { InfluxSink } from './influx-sink.js';
import type { FieldConflictCount } from './removed-field-letters.js';
import { WriteSlots } from './write-slots.js';

/** Data the main thread gives the worker when it starts it. */
export interface InfluxWorkerData {
  options: InfluxOutputOptions;
  /** The durable queue's file, read only to name the readings behind lines InfluxDB rejected. */
  queue_path: string;
}

/** Messages from the main thread. */
export type ToInfluxWorker =
  | { type: 'start' }
  | { type: 'rows'; id: number; rows: readonly LineRow[] }
  | { type: 'points'; id: number; points: readonly QueuedPoint[] }
  | { type: 'abort' }
  | { type: 'stop' };

/** Messages to the main thread. */
export type FromInfluxWorker =
  | { type: 'started' }
  | { type: 'report'; id: number; report: DeliveryReport }
  | { type: 'failed'; id: number; message: string }
  | { type: 'write_error'; message: string; code: string | undefined; attempt: number }
  | { type: 'rejected'; count: number; reason: string }
  | { type: 'fields_dropped'; report: DroppedFieldsReport }
  | { type: 'field_type_conflict'; conflict: FieldConflictCount }
  | { type: 'stopped' };

const port = parentPort;
if (port === null) throw new Error('influx-worker runs only on a worker thread');
const { options, queue_path } = workerData as InfluxWorkerData;
const sink = new InfluxSink(options);
const abort = new AbortController();
let reader: Database.Database | undefined;

/**
 * The main thread hands over more pages than are written at once (`PAGES_PER_WRITE_SLOT` in
 * influx-worker-sink.ts). The extra pages wait here, so the next write starts as soon as one settles,
 * without waiting for the main thread to read the next page between two MQTT reads.
 */
const writeSlots = new WriteSlots(resolveInfluxOptions(options).writes_in_flight);

function send(message: FromInfluxWorker): void {
  port?.postMessage(message);
}

/** Decodes the JSON of one queue row. The row stays in the queue until the main thread acknowledges its page. */
function readingsOf(id: number): QueuedPoint[] {
  reader ??= new Database(queue_path, { readonly: true, fileMustExist: true });
  return readingsOfRow(reader, id);
}

function settle(id: number, delivery: Promise<DeliveryReport>): void {
  delivery.then(
    (report) => send({ type: 'report', id, report }),
    (error: unknown) => send({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
  );
}

sink.on('write_error', ({ error, attempt }: { error: Error & { code?: string }; attempt: number }) =>
  send({ type: 'write_error', message: error.message, code: error.code, attempt }),
);
sink.on('rejected', ({ count, reason }: { count: number; reason: string }) =>
  send({ type: 'rejected', count, reason }),
);
sink.on('fields_dropped', (report: DroppedFieldsReport) => send({ type: 'fields_dropped', report }));
sink.on('field_type_conflict', (conflict: FieldConflictCount) => send({ type: 'field_type_conflict', conflict }));

port.on('message', (message: ToInfluxWorker) => {
  switch (message.type) {
    case 'start':
      void sink.start().then(() => send({ type: 'started' }));
      return;
    case 'rows':
      settle(
        message.id,
        writeSlots.run(() => sink.deliverRows(message.rows, abort.signal, readingsOf)),
      );
      return;
    case 'points':
      settle(
        message.id,
        writeSlots.run(() => sink.deliver(message.points, abort.signal)),
      );
      return;
    case 'abort':
      abort.abort(new Error('the gateway is stopping'));
      return;
    case 'stop':
      void sink.stop().then(() => {
        reader?.close();
        send({ type: 'stopped' });
        port.close();
      });
      return;
  }
});
