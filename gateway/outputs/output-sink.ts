/**
 * Adapts an `Output` (the local store, MQTT republish) to a queue sink: a page is written, flushed,
 * and reported from the change in the output's counters. The output must not be written by anyone
 * else while a page is delivered, or its counts land in the wrong report. A page during which the
 * output counted a write error (a failed publish, a failed SQLite transaction) is delivered again,
 * so its points reach the output at least once.
 */
import type { QueuedPoint } from '../queue/queued-point.js';
import { type DeliveryReport, emptyReport, type Sink, untilAborted } from '../queue/sink.js';
import type { Output, OutputStats } from './output.js';

/**
 * Points written to the output before waiting for its flush. A page can hold more points than an output
 * buffers (a page is whole queue rows, up to `page_points` plus one row), so it is written in slices.
 */
const SLICE_POINTS = 1000;

/** A page the output failed to write; the queue consumer delivers it again. */
export class OutputSinkError extends Error {
  override readonly name = 'OutputSinkError';
  readonly code = 'OUTPUT_WRITE_FAILED';
}

/** Queue sink around an `Output` whose `flush()` resolves once the destination has the points. */
export class OutputSink implements Sink {
  constructor(
    readonly name: string,
    readonly output: Output,
  ) {}

  start(): Promise<void> {
    return this.output.start();
  }

  async deliver(points: readonly QueuedPoint[], signal: AbortSignal): Promise<DeliveryReport> {
    const before: OutputStats = this.output.stats();
    for (let start = 0; start < points.length; start += SLICE_POINTS) {
      const slice = points.slice(start, start + SLICE_POINTS);
      this.output.write(slice.map((point) => point.reading));
      await untilAborted(this.output.flush(), signal);
    }
    const after = this.output.stats();
    if (after.write_errors > before.write_errors) {
      throw new OutputSinkError(
        `${this.name} failed to write ${after.write_errors - before.write_errors} of ${points.length} points; the page is delivered again`,
      );
    }
    const report = emptyReport();
    report.written = after.written - before.written;
    report.rejected = after.rejected - before.rejected;
    const dropped = after.dropped - before.dropped;
    if (dropped > 0) report.dropped.push({ count: dropped, reason: `${this.name} dropped points; see its log` });
    return report;
  }

  stop(timeout_ms?: number): Promise<void> {
    return this.output.stop(timeout_ms);
  }
}
