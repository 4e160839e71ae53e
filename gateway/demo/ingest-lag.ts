import type { EventBus } from '../events.js';

/** A window in which the gateway received device-stamped readings well after their device time. */
export interface IngestLagReport {
  /** Maximum time from a reading's device time to its arrival in the pipeline, ms. */
  max_lag_ms: number;
  /** Device-stamped readings per second that arrived in the window. */
  received_per_s: number;
  /** `--interval-ms` of the demo. */
  interval_ms: number;
  /** Interval at which the gateway would have kept up, with a 25 % margin, rounded up to 5 ms. */
  suggested_interval_ms: number;
}

/** Options of `IngestLag`. */
export interface IngestLagOptions {
  interval_ms: number;
  /** Number of simulated devices that stamp their readings (the MQTT devices). */
  stamping_devices: number;
  /** Lag above which a window is reported, ms. Default: 5000, or five intervals when that is longer. */
  max_lag_ms?: number;
  /** Time after a report during which further windows are not reported, ms. Default 60000. */
  report_every_ms?: number;
  now?: () => number;
}

/**
 * Measures how late the demo's gateway receives the readings that simulated devices stamp. The broker
 * acknowledges the devices at once and queues the messages for the gateway, so a gateway that cannot keep
 * up shows only as readings that arrive later and later after their device time.
 */
export class IngestLag {
  private maxLagMs = 0;
  private received = 0;
  private windowStartMs: number;
  private lastReportMs = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    bus: EventBus,
    private readonly options: IngestLagOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.windowStartMs = this.now();
    bus.on('reading', (reading) => {
      if (reading.time_source !== 'source') return;
      this.received += 1;
      const lag = this.now() - reading.time_ms;
      if (lag > this.maxLagMs) this.maxLagMs = lag;
    });
  }

  /** Ends the current window and returns a report when it lagged, at most once per `report_every_ms`. */
  check(): IngestLagReport | undefined {
    const now = this.now();
    const window_ms = Math.max(1, now - this.windowStartMs);
    const max_lag_ms = this.maxLagMs;
    const received_per_s = (this.received * 1000) / window_ms;
    this.windowStartMs = now;
    this.maxLagMs = 0;
    this.received = 0;
    const { interval_ms } = this.options;
    if (max_lag_ms <= (this.options.max_lag_ms ?? Math.max(5000, 5 * interval_ms))) return undefined;
    if (now - this.lastReportMs < (this.options.report_every_ms ?? 60_000)) return undefined;
    this.lastReportMs = now;
    // An estimate: a truck message brings one reading per compartment, which makes the interval look shorter.
    const keptIntervalMs =
      received_per_s > 0 ? (1000 * this.options.stamping_devices) / received_per_s : interval_ms * 10;
    return {
      max_lag_ms,
      received_per_s,
      interval_ms,
      suggested_interval_ms: Math.max(interval_ms + 5, Math.ceil((1.25 * keptIntervalMs) / 5) * 5),
    };
  }
}

/** Describes a lag report for the log: how late readings arrive, the rates and the interval to use. */
export function ingestLagMessage(report: IngestLagReport): string {
  const lag_s = Math.round(report.max_lag_ms / 1000);
  return (
    `the gateway received readings up to ${lag_s} s after the simulated devices stamped them, because it ` +
    `processes fewer readings than --interval-ms ${report.interval_ms} makes (${Math.round(report.received_per_s)} ` +
    `device-stamped readings/s arrived). Use --interval-ms ${report.suggested_interval_ms} or more`
  );
}
