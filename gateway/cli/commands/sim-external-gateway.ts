/**
 * Store directory and readiness wait of `coldpool sim` when the caller starts the gateway from the written
 * configuration (`--gateway none` or `--broker` with `--config-out`). The directory outlives the kit, and
 * the wait ends once that gateway's HTTP API returns 200 from its health route.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { HEALTH_ROUTE } from '../../api/health-route.js';
import { createStoreDirectory } from '../../store-directory.js';

/** File names of the external gateway's stores inside its data directory. */
export const EXTERNAL_STORE_FILES = {
  local_store: 'sim.db',
  alarms: 'sim-records.db',
  /** The gateway's default queue file, in the local store's folder. */
  queue: 'queue.db',
} as const;

/** Store paths written into the configuration of an external gateway. */
export interface ExternalStores {
  /** Absolute data directory, beside the configuration file. */
  directory: string;
  store_path: string;
  alarms_store_path: string;
}

/**
 * Returns the data directory of the gateway configured by `config_out`: `<name>-data` beside the file,
 * so `/tmp/x/gw.json` gets `/tmp/x/gw-data`.
 */
export function externalDataDirectory(config_out: string): string {
  const file = resolve(config_out);
  return join(dirname(file), `${basename(file, extname(file))}-data`);
}

/**
 * Creates the data directory of the gateway configured by `config_out` with owner-only modes, as the
 * gateway creates its own store directories. Throws when a store file of an earlier run is still there,
 * because that gateway would restore the earlier run's alarm states and queue into this one.
 */
export function prepareExternalStores(config_out: string): ExternalStores {
  const directory = externalDataDirectory(config_out);
  const stores = {
    directory,
    store_path: join(directory, EXTERNAL_STORE_FILES.local_store),
    alarms_store_path: join(directory, EXTERNAL_STORE_FILES.alarms),
  };
  const leftover = Object.values(EXTERNAL_STORE_FILES).filter((name) => existsSync(join(directory, name)));
  if (leftover.length > 0) {
    throw new Error(
      `data directory ${directory} already contains ${leftover.join(', ')} of an earlier run; ` +
        `remove ${directory} (or move it away) to start afresh, or pass another --config-out file`,
    );
  }
  createStoreDirectory(stores.store_path, '--config-out');
  return stores;
}

/** Returns the health URL of a gateway API on 127.0.0.1 and `port`. */
export function gatewayHealthUrl(port: number): string {
  return `http://127.0.0.1:${port}${HEALTH_ROUTE}`;
}

/** Real time between two health requests, in milliseconds. */
const POLL_INTERVAL_MS = 250;
/** Real time one health request may take, in milliseconds. */
const REQUEST_TIMEOUT_MS = 1000;

/**
 * Requests `health_url` until it returns 200 with `status: ok`, and rejects after `timeout_s` seconds
 * with an error that names the command to run. The gateway starts its API after its MQTT input has
 * subscribed to every device topic (when the broker accepts the connection), so a 200 means the
 * gateway receives what the devices publish from now on.
 */
export async function waitForGateway(health_url: string, config_file: string, timeout_s: number): Promise<void> {
  const deadline_ms = Date.now() + timeout_s * 1000;
  let last_problem = 'no answer yet';
  while (Date.now() < deadline_ms) {
    try {
      const response = await fetch(health_url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
      if (response.status === 200 && body?.status === 'ok') return;
      last_problem = `HTTP ${response.status}`;
    } catch (error) {
      last_problem = error instanceof Error ? (causeText(error) ?? error.message) : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(
    `timed out after ${timeout_s} s waiting for the gateway at ${health_url} (last result: ${last_problem}); ` +
      `start it with \`coldpool run --config ${config_file}\` once the kit prints WAITING, ` +
      'or raise --gateway-wait-s',
  );
}

/** Returns the message of a failed fetch's cause, such as `connect ECONNREFUSED 127.0.0.1:8080`. */
function causeText(error: Error): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : undefined;
}
