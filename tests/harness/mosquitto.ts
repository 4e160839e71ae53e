import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildServer, portAccepts, spawnServer, waitUntilReady } from './child-server.js';
import { freePort } from './free-port.js';

/** Debian's Mosquitto 2.0.11 broker binary. */
const MOSQUITTO_PATH = '/usr/sbin/mosquitto';

/** Options for a test mosquitto. */
export interface MosquittoOptions {
  /** Path of a mosquitto_passwd file; when set, anonymous clients are rejected. Default: anonymous allowed. */
  password_file?: string;
  /** Keep sessions and retained messages across restart() in the temp dir. Default false. */
  persistence?: boolean;
  /** Time to wait for the port to accept connections, in milliseconds. Default 10000. */
  ready_timeout_ms?: number;
  /** Port on 127.0.0.1 to listen on, for a broker that starts after its clients. Default: a free port. */
  port?: number;
  /**
   * Keep mosquitto's own per-client limits (`max_queued_messages 1000`, `max_inflight_messages 20`) and
   * log notices, which include "Outgoing messages are being dropped for client ...". Default false.
   */
  default_queue_limits?: boolean;
  /**
   * A mosquitto.conf whose settings replace the harness's queue and persistence settings, such as one of
   * examples/mosquitto/. Its listeners, TLS files, logging, authentication and persistence location are
   * left out for the harness's own; `persistence` is then ignored. Default: the settings of `mosquittoConfig`.
   */
  settings_file?: string;
}

/** A running mosquitto on 127.0.0.1. */
export interface Mosquitto {
  /** Broker URL, `mqtt://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Kills the broker by pid and removes its temp dir. */
  stop(): Promise<void>;
  /** Kills the broker and starts it again on the same port and config; clients see a disconnect. */
  restart(): Promise<void>;
  /** Everything the broker wrote to stderr since it first started, across restarts. */
  log(): string;
  /** Sends SIGHUP: mosquitto reads its config and password file again; connected clients stay connected. */
  reload(): void;
}

/**
 * Settings of a `settings_file` that the harness sets itself: where and how to listen (TLS included),
 * log, authenticate and persist.
 */
const HARNESS_KEYS = new Set([
  'listener',
  'port',
  'bind_address',
  'certfile',
  'keyfile',
  'cafile',
  'capath',
  'require_certificate',
  'tls_version',
  'log_dest',
  'log_type',
  'allow_anonymous',
  'password_file',
  'acl_file',
  'persistence_location',
  'user',
  'pid_file',
]);

/** Returns the lines of `file` that set anything but `HARNESS_KEYS`, without comments and blank lines. */
async function brokerSettings(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').map((line) => line.trim());
  return lines.filter((line) => line !== '' && !line.startsWith('#') && !HARNESS_KEYS.has(line.split(/\s+/)[0] ?? ''));
}

/**
 * Builds mosquitto.conf (see mosquitto.conf(5) for 2.0.11). Without `settings_file`, `max_queued_messages 0`
 * and `max_inflight_messages 0` lift the per-client QoS 1/2 limits (defaults 1000 and 20), so a fast
 * publisher's messages are queued rather than silently dropped, unless `default_queue_limits` keeps them.
 */
async function mosquittoConfig(dir: string, port: number, options: MosquittoOptions): Promise<string> {
  const settings =
    options.settings_file === undefined
      ? [
          ...(options.default_queue_limits === true ? [] : ['max_queued_messages 0', 'max_inflight_messages 0']),
          'set_tcp_nodelay true',
          `persistence ${options.persistence === true}`,
        ]
      : await brokerSettings(options.settings_file);
  const lines = [
    `listener ${port} 127.0.0.1`,
    options.password_file === undefined ? 'allow_anonymous true' : 'allow_anonymous false',
    ...(options.password_file === undefined ? [] : [`password_file ${options.password_file}`]),
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...(options.default_queue_limits === true ? ['log_type notice'] : []),
    ...settings,
    `persistence_location ${dir}/`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Starts /usr/sbin/mosquitto -c <generated conf> on 127.0.0.1 and a free port and resolves once the
 * port accepts TCP connections. Logs go to stderr: started as root, mosquitto switches to its own user
 * and could not write a log file in root's temp dir.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'coldpool-mosquitto-'));
  // The broker runs as user mosquitto after dropping root, and writes its persistence file here.
  await chmod(dir, 0o777);
  const port = options.port ?? (await freePort());
  const configPath = join(dir, 'mosquitto.conf');
  await writeFile(configPath, await mosquittoConfig(dir, port, options));
  const readyTimeout = options.ready_timeout_ms ?? 10_000;

  let log = '';
  async function launch(): Promise<ChildServer> {
    const server = spawnServer(MOSQUITTO_PATH, ['-c', configPath]);
    server.child.stderr?.on('data', (chunk: string) => {
      log += chunk;
    });
    await waitUntilReady(server, 'mosquitto', () => portAccepts(port), readyTimeout);
    return server;
  }

  let server: ChildServer;
  try {
    server = await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await server.stop();
      server = await launch();
    },
    log: () => log,
    reload() {
      server.child.kill('SIGHUP');
    },
  };
}
