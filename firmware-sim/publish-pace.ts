import type { EventEmitter } from 'node:events';
import type { PublishedMessage } from './mqtt-device.js';

/** A window in which the slowest simulated MQTT device published fewer messages than its interval requests. */
export interface PaceReport {
  /** Requested wall-clock time between two publishes of a device, ms. */
  interval_ms: number;
  /** Messages per second and device that `interval_ms` requests. */
  requested_per_s: number;
  /** Acknowledged messages per second of the slowest device in the window. */
  achieved_per_s: number;
  /** The slowest device. */
  device_id: string;
  /** Maximum time from a tick to the broker's PUBACK in the window, over every device, ms. */
  max_lag_ms: number;
  /** Messages of the slowest device still waiting for the broker's PUBACK at the end of the window. */
  unacknowledged_messages: number;
  /**
   * Interval that the slowest device kept up with in the window, with a 25 % margin, rounded up to 5 ms.
   * Absent when it got no message acknowledged.
   */
  suggested_interval_ms?: number;
}

/** A simulated MQTT device as `PublishPace` reads it. */
export interface PacedDevice extends EventEmitter {
  readonly device_id: string;
  readonly unacknowledged_messages: number;
}

/** Options of `PublishPace`. */
export interface PublishPaceOptions {
  interval_ms: number;
  /** Length of one measuring window, ms. Default: 5000, or five intervals when that is longer. */
  window_ms?: number;
  /** Time after a report during which further windows that fall behind are not reported, ms. Default 60000. */
  report_every_ms?: number;
  on_behind: (report: PaceReport) => void;
}

/** Share of the requested messages below which a window counts as behind, after one message of slack. */
const KEPT_SHARE = 0.9;

interface DeviceWindow {
  device: PacedDevice;
  published: number;
  max_lag_ms: number;
}

/**
 * Watches the `published` events of simulated MQTT devices and reports when the slowest of them
 * published clearly fewer messages than `interval_ms` requests. A device falls behind when a busy CPU
 * delays its timer, or when the broker or the gateway behind it acknowledges slowly or not at all. A
 * device with nothing acknowledged and nothing waiting in a window (the `disconnect` fault) is left out.
 */
export class PublishPace {
  private readonly windowMs: number;
  private readonly reportEveryMs: number;
  private readonly windows = new Map<string, DeviceWindow>();
  private timer: NodeJS.Timeout | undefined;
  private lastReportMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PublishPaceOptions) {
    this.windowMs = options.window_ms ?? Math.max(5000, 5 * options.interval_ms);
    this.reportEveryMs = options.report_every_ms ?? 60_000;
  }

  /** Counts the messages of `device` from now on. */
  watch(device: PacedDevice): void {
    this.windows.set(device.device_id, { device, published: 0, max_lag_ms: 0 });
    device.on('published', (message: PublishedMessage) => {
      const window = this.windows.get(message.device_id);
      if (window === undefined) return;
      window.published += 1;
      window.max_lag_ms = Math.max(window.max_lag_ms, Date.now() - message.tick_wall_ms);
    });
  }

  /** Starts the measuring windows. */
  start(): void {
    this.timer = setInterval(() => this.closeWindow(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private closeWindow(): void {
    const slowest = this.slowestDevice();
    let max_lag_ms = 0;
    for (const window of this.windows.values()) {
      max_lag_ms = Math.max(max_lag_ms, window.max_lag_ms);
      window.published = 0;
      window.max_lag_ms = 0;
    }
    if (slowest === undefined) return;
    const { interval_ms } = this.options;
    const requested = this.windowMs / interval_ms;
    if (slowest.published >= KEPT_SHARE * requested - 1) return;
    const now = Date.now();
    if (now - this.lastReportMs < this.reportEveryMs) return;
    this.lastReportMs = now;
    const achieved_per_s = (slowest.published * 1000) / this.windowMs;
    this.options.on_behind({
      interval_ms,
      requested_per_s: 1000 / interval_ms,
      achieved_per_s,
      device_id: slowest.device.device_id,
      max_lag_ms,
      unacknowledged_messages: slowest.unacknowledged,
      ...(achieved_per_s > 0 ? { suggested_interval_ms: Math.ceil((1.25 * 1000) / achieved_per_s / 5) * 5 } : {}),
    });
  }

  /**
   * Returns the device that published the fewest messages in the window, with its unacknowledged count,
   * leaving out devices with nothing published and nothing waiting.
   */
  private slowestDevice(): (DeviceWindow & { unacknowledged: number }) | undefined {
    let slowest: (DeviceWindow & { unacknowledged: number }) | undefined;
    for (const window of this.windows.values()) {
      const unacknowledged = window.device.unacknowledged_messages;
      if (window.published === 0 && unacknowledged === 0) continue;
      if (slowest === undefined || window.published < slowest.published) slowest = { ...window, unacknowledged };
    }
    return slowest;
  }
}

/** Describes a report for the log: the requested and achieved rates, the lag and the interval to use. */
export function paceWarningMessage(report: PaceReport): string {
  const requested = formatRate(report.requested_per_s);
  const achieved = formatRate(report.achieved_per_s);
  const lag_s = (report.max_lag_ms / 1000).toFixed(1);
  const fix =
    report.suggested_interval_ms === undefined
      ? 'Check that the broker and the gateway run, then use a longer --interval-ms'
      : `Use --interval-ms ${report.suggested_interval_ms} or more`;
  return (
    `simulated device ${report.device_id} published ${achieved} messages/s, below the ${requested}/s that ` +
    `--interval-ms ${report.interval_ms} requests, because the CPU, the broker or the gateway cannot keep up ` +
    `(a message took up to ${lag_s} s from its tick to the broker's acknowledgement, and ` +
    `${report.unacknowledged_messages} wait for one). ${fix}`
  );
}

function formatRate(per_s: number): string {
  return per_s >= 10 ? String(Math.round(per_s)) : per_s.toFixed(1);
}
