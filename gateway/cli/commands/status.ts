/** `coldpool status`: prints the devices, their health and the gateway counters of a running gateway. */
import type { Command } from 'commander';
import type { DeviceView } from '../../api/fleet-state.js';
import { DEVICE_PAGE_MAX, TOTAL_COUNT_HEADER } from '../../api/routes/fleet-routes.js';
import type { selfMetrics } from '../../api/routes/self-routes.js';
import { readApiToken, TOKEN_ENV } from './api-token.js';
import { type DevicePageRequest, devicePageNote, parseDevicePage, STATUS_LIMIT_DEFAULT } from './status-paging.js';

type GatewayMetrics = ReturnType<typeof selfMetrics>;

export interface GatewayStatus {
  /** One page of the device list (configured devices, then discovered ones), from `devices_offset` on. */
  devices: DeviceView[];
  /** Position in the whole list of the first device in `devices`. */
  devices_offset: number;
  /** Devices in the whole list, from the API's `x-total-count` header. */
  devices_total: number;
  metrics: GatewayMetrics;
}

/** Error of a status request, with the URL and what to check. */
export class StatusRequestError extends Error {
  constructor(
    readonly code: 'STATUS_UNREACHABLE' | 'STATUS_HTTP_ERROR',
    message: string,
  ) {
    super(message);
    this.name = 'StatusRequestError';
  }
}

/** Returns fetch's message with its cause, such as `connect ECONNREFUSED 127.0.0.1:8080`, which undici keeps apart. */
function fetchFailure(error: Error): string {
  const cause = error.cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

async function getJson<T>(base: string, path: string, timeoutMs: number, token?: string): Promise<T> {
  return (await getResponse<T>(base, path, timeoutMs, token)).body;
}

async function getResponse<T>(
  base: string,
  path: string,
  timeoutMs: number,
  token?: string,
): Promise<{ body: T; headers: Headers }> {
  const url = new URL(path, base).toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : fetchFailure(error as Error);
    throw new StatusRequestError(
      'STATUS_UNREACHABLE',
      `GET ${url} failed: ${reason}; check that the gateway runs with --http and the URL is right`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 200);
    try {
      detail = (JSON.parse(text) as { error: { code: string; message: string } }).error.message;
    } catch {}
    const hint = response.status === 401 ? `; put an API token in ${TOKEN_ENV} or a file named by --token-file` : '';
    throw new StatusRequestError('STATUS_HTTP_ERROR', `GET ${url} returned HTTP ${response.status}: ${detail}${hint}`);
  }
  return { body: JSON.parse(text) as T, headers: response.headers };
}

/** Reads one page of the device list (by default the API's first page) and the counters from the API at `baseUrl`. */
export async function fetchStatus(
  baseUrl: string,
  timeoutMs = 5000,
  token?: string,
  page: DevicePageRequest = { offset: 0, limit: STATUS_LIMIT_DEFAULT },
): Promise<GatewayStatus> {
  const devicesPath = `/api/v1/devices?offset=${page.offset}&limit=${page.limit}`;
  const [devices, metrics] = await Promise.all([
    getResponse<DeviceView[]>(baseUrl, devicesPath, timeoutMs, token),
    getJson<GatewayMetrics>(baseUrl, '/api/v1/gateway/metrics', timeoutMs, token),
  ]);
  const total = Number(devices.headers.get(TOTAL_COUNT_HEADER));
  return {
    devices: devices.body,
    devices_offset: page.offset,
    devices_total: Number.isInteger(total) && total > 0 ? total : page.offset + devices.body.length,
    metrics,
  };
}

function ageText(lastSeenMs: number | null, nowMs: number): string {
  if (lastSeenMs === null) return 'never';
  const seconds = Math.max(0, Math.round((nowMs - lastSeenMs) / 1000));
  return `${seconds} s ago`;
}

/** Pads the cells of each column to the widest cell, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Returns where a device comes from: `config`, or the wildcard subscription filter that routed it. */
function sourceText(device: DeviceView): string {
  return device.discovered ? `discovered ${device.subscription ?? ''}`.trimEnd() : 'config';
}

/** Formats the status as plain text: one line per device, then the counters and the outputs. */
export function formatStatus(status: GatewayStatus, nowMs: number = Date.now()): string {
  const { devices, metrics } = status;
  const deviceRows = [
    [
      'DEVICE',
      'ASSET',
      'PROTOCOL',
      'SOURCE',
      'HEALTH',
      'LAST READING',
      'READINGS',
      'FAULTS',
      'FIELD ERRORS',
      'TIME COLLISIONS',
      'PROBLEMS',
      'LAST ERROR',
    ],
    ...devices.map((device) => [
      device.id,
      device.asset,
      device.protocol,
      sourceText(device),
      device.health.state,
      ageText(device.health.last_seen_ms, nowMs),
      String(device.health.readings),
      String(device.health.sensor_faults),
      String(device.health.field_errors),
      String(device.health.timestamp_collisions),
      String(device.health.input_problems),
      // Without a failed poll or payload to show, the newest field error shows why fields are missing.
      device.health.last_error ?? device.health.last_field_error ?? '',
    ]),
  ];
  const counters = [
    `devices up ${metrics.devices_up}/${metrics.devices_total}`,
    `readings ${metrics.readings}`,
    `sensor faults ${metrics.sensor_faults}`,
    `field errors ${metrics.field_errors}`,
    `payload errors ${metrics.payload_errors}`,
    `poll errors ${metrics.poll_errors}`,
    `unknown topics ${metrics.unknown_topics}`,
    `timestamp collisions ${metrics.timestamp_collisions}`,
  ];
  const outputRows = [
    ['OUTPUT', 'WRITTEN', 'REJECTED', 'DROPPED', 'PENDING', 'WRITE ERRORS'],
    ...Object.entries(metrics.outputs).map(([name, stats]) => [
      name,
      String(stats.written),
      String(stats.rejected),
      String(stats.dropped),
      String(stats.pending),
      String(stats.write_errors),
    ]),
  ];
  const note = devicePageNote(status.devices_offset, devices.length, status.devices_total);
  const more = note === undefined ? '' : `\n${note}\n`;
  return `${table(deviceRows)}\n${more}\n${counters.join(', ')}\n\n${table(outputRows)}\n`;
}

interface StatusOptions {
  url: string;
  json?: boolean;
  timeoutMs: string;
  tokenFile?: string;
  offset: string;
  limit: string;
}

/**
 * Registers `coldpool status`. Output goes to `write` (stdout by default); a failed request prints the
 * error on stderr and sets exit code 1.
 */
export function registerStatusCommand(
  program: Command,
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  program
    .command('status')
    .description('print the devices, their health and the counters of a running gateway')
    .option('--url <url>', 'base URL of the gateway HTTP API', 'http://127.0.0.1:8080')
    .option('--json', 'print the raw JSON of the devices and counters instead of tables')
    .option('--timeout-ms <ms>', 'milliseconds to wait for each API response', '5000')
    .option(
      '--token-file <path>',
      `file whose first line is the bare API token, as coldpool passwd --token > FILE writes it (default: the ${TOKEN_ENV} variable)`,
    )
    .option('--offset <n>', 'devices of the list to skip before the first one printed', '0')
    .option('--limit <n>', `devices to print at most, 1 to ${DEVICE_PAGE_MAX}`, String(STATUS_LIMIT_DEFAULT))
    .action(async (options: StatusOptions) => {
      if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
        throw new Error(
          `--url ${JSON.stringify(options.url)} is invalid: give the API's base URL, such as http://127.0.0.1:8080`,
        );
      }
      const token = readApiToken(options.tokenFile, process.env);
      const timeoutMs = Number(options.timeoutMs);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
        throw new Error(
          `--timeout-ms ${JSON.stringify(options.timeoutMs)} is invalid: give a positive number of milliseconds`,
        );
      }
      const page = parseDevicePage(options.offset, options.limit);
      try {
        const status = await fetchStatus(options.url, timeoutMs, token, page);
        write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      } catch (error) {
        if (!(error instanceof StatusRequestError)) throw error;
        process.stderr.write(`coldpool status: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
