/** Options of the InfluxDB output, their defaults and their checks. */

import { type InfluxTarget, parseInfluxUrl } from './influx-url.js';
import type { TimePrecision } from './line-protocol.js';
import { OutputConfigError } from './output-errors.js';

/** Options of `InfluxOutput`. */
export interface InfluxOutputOptions {
  /** `http(s)://[user:password@]host[:port][/prefix]/database`; the port defaults to 8086. */
  url: string;
  /** User for HTTP basic authentication; overrides one in the URL. Default: none. */
  username?: string;
  /** Password for HTTP basic authentication; overrides one in the URL. Default: none. */
  password?: string;
  /**
   * Settings that set `username` and `password`, named in the error of a 401 or 403 response, such as
   * `--influx-username and --influx-password-file`. Default `username and password`.
   */
  credential_settings?: string;
  /** Maximum lines per write request. Default 5000 (the batch size the InfluxDB 1.x docs recommend). */
  batch_size?: number;
  /** Maximum body bytes per write request; a 413 response splits the batch further. Default 1000000. */
  max_batch_bytes?: number;
  /** Interval between writes of a partly filled batch, in milliseconds. Default 1000. */
  flush_interval_ms?: number;
  /** Time to wait for the response to one write request, in milliseconds. Default 10000. */
  timeout_ms?: number;
  /** Pages of the durable queue written at once (`QueueConsumer` `pages_in_flight`). Default 2. */
  writes_in_flight?: number;
  /** Maximum points buffered; newer points are dropped and counted beyond it. Default 100000. */
  max_pending?: number;
  /** Timestamp precision of the written lines. Default `ms`. */
  precision?: TimePrecision;
  /** Upper bound of the first retry delay, in milliseconds. Default 500. */
  retry_initial_ms?: number;
  /** Cap on every retry delay, in milliseconds. Default 30000. */
  retry_max_ms?: number;
  /** Time `stop()` keeps retrying before it drops what is left, in milliseconds. Default 10000. */
  stop_timeout_ms?: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result <= 0) {
    throw new OutputConfigError(
      'OUTPUT_OPTION_INVALID',
      `InfluxDB output option ${name} is ${value}; use a positive integer`,
    );
  }
  return result;
}

/** Options with defaults applied and the URL parsed. */
export interface InfluxSettings {
  target: InfluxTarget;
  credential_settings: string;
  batch_size: number;
  max_batch_bytes: number;
  flush_interval_ms: number;
  timeout_ms: number;
  writes_in_flight: number;
  max_pending: number;
  precision: TimePrecision;
  backoff: { initial_ms: number; max_ms: number };
  stop_timeout_ms: number;
}

/** Applies the defaults and checks every option; throws `OutputConfigError` for a bad URL or number. */
export function resolveInfluxOptions(options: InfluxOutputOptions): InfluxSettings {
  const precision = options.precision ?? 'ms';
  if (precision !== 'ms' && precision !== 'ns') {
    throw new OutputConfigError('OUTPUT_OPTION_INVALID', `InfluxDB output precision is ${precision}; use ms or ns`);
  }
  return {
    target: parseInfluxUrl(options.url, options.username, options.password),
    credential_settings: options.credential_settings ?? 'username and password',
    batch_size: positiveInteger('batch_size', options.batch_size, 5000),
    max_batch_bytes: positiveInteger('max_batch_bytes', options.max_batch_bytes, 1_000_000),
    flush_interval_ms: positiveInteger('flush_interval_ms', options.flush_interval_ms, 1000),
    timeout_ms: positiveInteger('timeout_ms', options.timeout_ms, 10_000),
    writes_in_flight: positiveInteger('writes_in_flight', options.writes_in_flight, 2),
    max_pending: positiveInteger('max_pending', options.max_pending, 100_000),
    precision,
    backoff: {
      initial_ms: positiveInteger('retry_initial_ms', options.retry_initial_ms, 500),
      max_ms: positiveInteger('retry_max_ms', options.retry_max_ms, 30_000),
    },
    stop_timeout_ms: positiveInteger('stop_timeout_ms', options.stop_timeout_ms, 10_000),
  };
}
