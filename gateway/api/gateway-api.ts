/**
 * Starts the HTTP API for a running `Gateway`, choosing the history source from its configuration:
 * InfluxDB when `outputs.influx` is set, else the local store file when it is enabled, else none.
 */
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from '../config/schema.js';
import { LocalStore } from '../outputs/local-store.js';
import { readSecret } from '../secrets.js';
import type { ApiDeps, ApiGateway } from './api-context.js';
import type { HistorySource } from './history/history-source.js';
import { InfluxHistory } from './history/influx-history.js';
import { LocalStoreHistory } from './history/local-store-history.js';
import { type ApiServerOptions, createApiServer, startApiServer } from './server.js';

/** A gateway the API can serve: the composition root and its configuration. */
export interface ServedGateway extends ApiGateway {
  resolved: ApiGateway['resolved'] & { config: GatewayConfig };
}

export interface RunningApi {
  app: FastifyInstance;
  /** Base URL, such as `http://127.0.0.1:8080`. */
  url: string;
  /** Closes the server and the history reader. */
  stop(): Promise<void>;
}

/** Error of an invalid `--http` address. */
export class HttpAddressError extends Error {
  readonly code = 'HTTP_ADDRESS_INVALID';
}

/** Parses `HOST:PORT` or `PORT` (host 127.0.0.1), as given to `--http`; `[::1]:8080` for IPv6. */
export function parseHttpAddress(text: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9A-Fa-f:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || !(port >= 0 && port <= 65_535)) {
    throw new HttpAddressError(
      `HTTP address ${JSON.stringify(text)} is invalid; use HOST:PORT such as 127.0.0.1:8080, or a port`,
    );
  }
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** Builds the history source the configuration allows, and a function that releases it. */
export function historyFromConfig(config: GatewayConfig): { history?: HistorySource; close(): void } {
  const influx = config.outputs.influx;
  if (influx) {
    const password = readSecret(influx, 'outputs.influx');
    const history = new InfluxHistory({
      url: influx.url,
      ...(influx.username !== undefined ? { username: influx.username } : {}),
      ...(password !== undefined ? { password } : {}),
      timeout_ms: influx.timeout_ms,
      timeout_key: 'outputs.influx.timeout_ms',
    });
    return { history, close() {} };
  }
  const store = config.outputs.local_store;
  if (store.enabled) {
    // A second connection to the output's file; WAL mode lets it read while the output writes.
    const reader = new LocalStore({ path: store.path, retention_days: store.retention_days });
    return { history: new LocalStoreHistory(reader), close: () => reader.close() };
  }
  return { close() {} };
}

/**
 * Starts the API for `gateway` on `options.host` and `options.port` (defaults 127.0.0.1 and 8080).
 * `services` adds the alarm, capacity, plan and report services and the chart profiles.
 */
export async function startGatewayApi(
  gateway: ServedGateway,
  options: ApiServerOptions = {},
  services: Omit<ApiDeps, 'gateway' | 'history'> = {},
): Promise<RunningApi> {
  const source = historyFromConfig(gateway.resolved.config);
  try {
    const deps: ApiDeps = { gateway, ...services, ...(source.history ? { history: source.history } : {}) };
    const app = await createApiServer(deps, options);
    const url = await startApiServer(app, options);
    return {
      app,
      url,
      async stop() {
        await app.close();
        source.close();
      },
    };
  } catch (error) {
    source.close();
    throw error;
  }
}
