import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildServer, spawnServer, waitUntilReady } from './child-server.js';
import { freePort } from './free-port.js';

/** Debian's InfluxDB 1.6.7 server binary. */
const INFLUXD_PATH = '/usr/bin/influxd';

/** Options for a test influxd. */
export interface InfluxdOptions {
  /** `[http] max-body-size` in bytes; a larger write gets HTTP 413. Default 25000000 (the 1.6 default). */
  max_body_size?: number;
  /** `[http] auth-enabled`. Default false. */
  auth_enabled?: boolean;
  /** `[logging] level` (`error`, `warn`, `info`, `debug`). Default `warn`. */
  log_level?: string;
  /** Time to wait for /ping to return 204, in milliseconds. Default 30000. */
  ready_timeout_ms?: number;
}

/** A running influxd on 127.0.0.1 with its data in a fresh temp dir. */
export interface Influxd {
  /** Base URL of the HTTP API, `http://127.0.0.1:<port>`. */
  url: string;
  /** Process id of the running influxd; it changes on `restart()`. */
  readonly pid: number | undefined;
  /** HTTP API port. */
  port: number;
  /** Runs an InfluxQL query through POST /query (so write statements such as CREATE DATABASE work too) and returns the parsed JSON body. */
  // biome-ignore lint/suspicious/noExplicitAny: the /query JSON shape depends on the statement.
  query(q: string, db?: string): Promise<any>;
  /** Kills influxd by pid and removes its temp dir. */
  stop(): Promise<void>;
  /** Kills influxd by pid but keeps its data, to simulate an outage; `restart()` brings it back. */
  kill(): Promise<void>;
  /** Starts influxd again on the same ports and data (killing it first if it runs). */
  restart(): Promise<void>;
}

function influxdConfig(dir: string, rpcPort: number, httpPort: number, options: InfluxdOptions): string {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${options.auth_enabled ?? false}
  log-enabled = false
  max-body-size = ${options.max_body_size ?? 25_000_000}

[logging]
  level = "${options.log_level ?? 'warn'}"
  suppress-logo = true

[continuous_queries]
  enabled = false
`;
}

async function pingAnswers204(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`);
    return response.status === 204;
  } catch {
    return false;
  }
}

/**
 * Starts /usr/bin/influxd with a generated config: RPC and HTTP bound to 127.0.0.1 free ports, all
 * state in a temp dir, usage reporting off, logs on stderr. Resolves once GET /ping returns 204.
 */
export async function startInfluxd(options: InfluxdOptions = {}): Promise<Influxd> {
  const dir = await mkdtemp(join(tmpdir(), 'coldpool-influxd-'));
  const rpcPort = await freePort();
  const port = await freePort();
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(configPath, influxdConfig(dir, rpcPort, port, options));

  const url = `http://127.0.0.1:${port}`;
  async function launch(): Promise<ChildServer> {
    const started = spawnServer(INFLUXD_PATH, ['run', '-config', configPath]);
    await waitUntilReady(started, 'influxd', () => pingAnswers204(url), options.ready_timeout_ms ?? 30_000);
    return started;
  }

  let server: ChildServer;
  try {
    server = await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  async function query(q: string, db?: string): Promise<unknown> {
    const params = new URLSearchParams({ q });
    if (db !== undefined) params.set('db', db);
    const response = await fetch(`${url}/query?${params.toString()}`, { method: 'POST' });
    const body = await response.text();
    if (!response.ok) throw new Error(`influxd query ${JSON.stringify(q)} failed: HTTP ${response.status} ${body}`);
    return JSON.parse(body);
  }

  async function stop(): Promise<void> {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }

  async function kill(): Promise<void> {
    await server.stop();
  }

  async function restart(): Promise<void> {
    await server.stop();
    server = await launch();
  }

  return {
    url,
    port,
    get pid() {
      return server.child.pid;
    },
    query,
    stop,
    kill,
    restart,
  };
}
