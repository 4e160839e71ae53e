/**
 * Checks and creates the InfluxDB database through the npm `influx` package (5.x): `ping`,
 * `getDatabaseNames` (SHOW DATABASES) and `createDatabase` (CREATE DATABASE).
 */
import { InfluxDB } from 'influx';
import { fetchFailureCause, isFetchTimeout } from './fetch-failure.js';
import { type InfluxTarget, serverUrl } from './influx-url.js';
import { InfluxWriteError } from './output-errors.js';

/** Returns the HTTP status carried by the `influx` package's error for a 3xx or 4xx response. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('res' in error)) return undefined;
  const response = (error as { res?: { statusCode?: number } }).res;
  return response?.statusCode;
}

/**
 * Sends GET /ping, to which InfluxDB 1.x replies 204 without authentication (any 2xx is accepted).
 * Rejects with `INFLUX_UNREACHABLE` naming the cause: a timeout, a network error (ECONNREFUSED...) or
 * another status, which means that some other server listens at that address.
 */
async function pingInflux(target: InfluxTarget, timeout_ms: number): Promise<void> {
  let status: number;
  try {
    const response = await fetch(`${serverUrl(target)}/ping`, { signal: AbortSignal.timeout(timeout_ms) });
    await response.body?.cancel();
    status = response.status;
  } catch (error) {
    const reason = isFetchTimeout(error)
      ? `did not respond to /ping within ${timeout_ms} ms`
      : `is unreachable (${fetchFailureCause(error)})`;
    throw new InfluxWriteError(
      'INFLUX_UNREACHABLE',
      `InfluxDB ${target.display_url} ${reason}; check that influxd is running and listens there`,
    );
  }
  if (status < 200 || status > 299) {
    throw new InfluxWriteError(
      'INFLUX_UNREACHABLE',
      `${target.display_url} answered /ping with HTTP ${status}, not 204; check that the URL points to InfluxDB 1.x`,
      status,
    );
  }
}

/**
 * Pings InfluxDB, then creates `target.database` when SHOW DATABASES does not list it. A user without
 * admin rights gets 401 or 403 for both statements: the database is then assumed to exist and the first
 * write shows whether it does. Rejects with `InfluxWriteError` when InfluxDB cannot be reached.
 */
export async function ensureInfluxDatabase(target: InfluxTarget, timeout_ms: number): Promise<void> {
  // A fresh client each time: the package's pool disables a host for up to 10 s after a network
  // error, which would hide a server that has just come back.
  const influx = new InfluxDB({
    host: target.host,
    port: target.port,
    path: target.base_path,
    protocol: target.protocol === 'https:' ? 'https' : 'http',
    database: target.database,
    ...(target.username === undefined ? {} : { username: target.username, password: target.password ?? '' }),
    pool: { maxRetries: 0, requestTimeout: timeout_ms },
  });
  await pingInflux(target, timeout_ms);
  try {
    const names = await influx.getDatabaseNames();
    if (!names.includes(target.database)) await influx.createDatabase(target.database);
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 401 || status === 403) return;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InfluxWriteError(
      'INFLUX_DATABASE_NOT_FOUND',
      `checking or creating database ${target.database} on InfluxDB ${target.display_url} failed: ${reason}`,
      status,
    );
  }
}
