/** Writes the self-metrics every interval through the durable queue, so they survive outages too. */
import type { Reading } from '../reading.js';
import {
  collectSelfMetrics,
  type SelfMetricsIdentity,
  type SelfMetricsSources,
  selfMetricsReadings,
} from './self-metrics.js';

/** Periodic writer of self-metrics readings to `write`. */
export class SelfMetricsWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: SelfMetricsSources,
    private readonly identity: SelfMetricsIdentity,
    private readonly write: (readings: Reading[]) => void,
  ) {}

  /** Writes every `interval_ms`; does nothing when it is 0. */
  start(interval_ms: number): void {
    if (interval_ms <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => this.writeOnce(), interval_ms);
    this.timer.unref();
  }

  /** Collects and writes one snapshot now. */
  writeOnce(now_ms: number = Date.now()): void {
    this.write(selfMetricsReadings(collectSelfMetrics(this.sources, now_ms), this.identity));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
