/**
 * The flags of `coldpool demo`, checked before anything starts. The demo builds its configuration from
 * them, so a bad flag would otherwise surface as an error about a config key the user never wrote.
 */
import { HttpAddressError, parseHttpAddress } from '../api/gateway-api.js';
import { influxUrlSchema } from '../config/schema.js';
import { isLoopbackHost } from '../security/listener-safety.js';

/** The flags as commander passes them: text, with the defaults filled in. */
export interface DemoFlags {
  influx?: string;
  http?: string;
  duration?: string;
  mqttPort: string;
  store: string;
  intervalMs: string;
  summaryS: string;
  logLevel: string;
}

/** The checked flags. */
export interface DemoSettings {
  influx_url?: string;
  http?: { host: string; port: number };
  duration_s?: number;
  mqtt_port: number;
  store_path: string;
  interval_ms: number;
  summary_ms: number;
  log_level: string;
}

/** Bounds of `--interval-ms`, which is also the poll interval, from `poll_interval_s` (greater than 0, at most 86400 s). */
export const DEMO_INTERVAL_MS = { min: 1, max: 86_400_000 } as const;

/** Maximum delay of a Node.js timer (2^31 - 1 ms), in whole seconds. Node fires a longer `setTimeout` after 1 ms. */
export const MAX_TIMER_S = Math.floor((2 ** 31 - 1) / 1000);

/** Log levels of pino 10. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** An invalid flag of `coldpool demo`. The message names the flag, its value and what to give instead. */
export class DemoFlagError extends Error {
  readonly code = 'DEMO_FLAG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'DemoFlagError';
  }
}

function flagText(flag: string, text: string): string {
  return `${flag} ${JSON.stringify(text)}`;
}

/** Reads a decimal number, or returns NaN for empty text, which `Number` would read as 0. */
function readNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** Reads a whole number from `min` to `max`. `expected` completes "give …" in the error message. */
function wholeNumber(flag: string, text: string, min: number, max: number, expected: string): number {
  const value = readNumber(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DemoFlagError(`${flagText(flag, text)} is invalid: give ${expected}`);
  }
  return value;
}

/** Reads a number of seconds up to `MAX_TIMER_S`: from 0 when `allowZero`, otherwise greater than 0. */
function seconds(flag: string, text: string, allowZero: boolean): number {
  const value = readNumber(text);
  const tooSmall = allowZero ? value < 0 : value <= 0;
  if (Number.isFinite(value) && !tooSmall && value <= MAX_TIMER_S) return value;
  const range = allowZero ? `from 0 to ${MAX_TIMER_S}` : `greater than 0 and at most ${MAX_TIMER_S}`;
  throw new DemoFlagError(`${flagText(flag, text)} is invalid: give a number of seconds ${range}`);
}

function httpAddress(text: string): { host: string; port: number } {
  let address: { host: string; port: number };
  try {
    address = parseHttpAddress(text);
  } catch (error) {
    if (!(error instanceof HttpAddressError)) throw error;
    throw new DemoFlagError(`${flagText('--http', text)} is invalid: give HOST:PORT such as 127.0.0.1:8080, or a port`);
  }
  if (!isLoopbackHost(address.host)) {
    throw new DemoFlagError(
      `${flagText('--http', text)} is not allowed: the demo serves its API without authentication, so only on ` +
        `a loopback address; use --http 127.0.0.1:${address.port}, or serve other machines with coldpool run ` +
        'and a config that sets http.auth',
    );
  }
  return address;
}

function influxUrl(text: string): string {
  if (!influxUrlSchema.safeParse(text).success) {
    throw new DemoFlagError(
      `${flagText('--influx', text)} is invalid: give http(s)://HOST:PORT/DATABASE such as ` +
        'http://127.0.0.1:8086/coldpool, without a user name, password or query string',
    );
  }
  return text;
}

function storePath(text: string): string {
  if (text.trim() === '')
    throw new DemoFlagError('--store is empty: give the path of the SQLite file, such as data/demo.db');
  return text;
}

function logLevel(text: string): string {
  if (!LOG_LEVELS.includes(text)) {
    throw new DemoFlagError(`${flagText('--log-level', text)} is invalid: give one of ${LOG_LEVELS.join(', ')}`);
  }
  return text;
}

/** Runs `check` and stores its message in `problems` when it throws `DemoFlagError`. */
function collect<T>(problems: string[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof DemoFlagError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/** Checks every flag and throws one `DemoFlagError` that lists each invalid one. */
export function parseDemoFlags(flags: DemoFlags): DemoSettings {
  const problems: string[] = [];
  const { influx, http, duration } = flags;
  const { min, max } = DEMO_INTERVAL_MS;
  const settings = {
    influx_url: influx === undefined ? undefined : collect(problems, () => influxUrl(influx)),
    http: http === undefined ? undefined : collect(problems, () => httpAddress(http)),
    duration_s: duration === undefined ? undefined : collect(problems, () => seconds('--duration', duration, true)),
    mqtt_port: collect(problems, () =>
      wholeNumber('--mqtt-port', flags.mqttPort, 0, 65_535, 'a port from 0 to 65535 (0 picks a free port)'),
    ),
    store_path: collect(problems, () => storePath(flags.store)),
    interval_ms: collect(problems, () =>
      wholeNumber('--interval-ms', flags.intervalMs, min, max, `a whole number of milliseconds from ${min} to ${max}`),
    ),
    summary_s: collect(problems, () => seconds('--summary-s', flags.summaryS, false)),
    log_level: collect(problems, () => logLevel(flags.logLevel)),
  };
  if (problems.length > 0) throw new DemoFlagError(problems.join('\n'));
  return {
    ...(settings.influx_url !== undefined ? { influx_url: settings.influx_url } : {}),
    ...(settings.http !== undefined ? { http: settings.http } : {}),
    ...(settings.duration_s !== undefined ? { duration_s: settings.duration_s } : {}),
    mqtt_port: settings.mqtt_port as number,
    store_path: settings.store_path as string,
    interval_ms: settings.interval_ms as number,
    summary_ms: (settings.summary_s as number) * 1000,
    log_level: settings.log_level as string,
  };
}
