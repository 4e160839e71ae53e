import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
}

/**
 * Builds mosquitto.conf (see mosquitto.conf(5) for 2.0.11). `max_queued_messages 0` and
 * `max_inflight_messages 0` lift the per-client QoS 1/2 limits (defaults 1000 and 20), so a fast
 * publisher's messages are queued rather than silently dropped, unless `default_queue_limits` keeps them.
 */
function mosquittoConfig(dir: string, port: number, options: MosquittoOptions): string {
  const lines = [
    `listener ${port} 127.0.0.1`,
    options.password_file === undefined ? 'allow_anonymous true' : 'allow_anonymous false',
    ...(options.password_file === undefined ? [] : [`password_file ${options.password_file}`]),
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...(options.default_queue_limits === true
      ? ['log_type notice']
      : ['max_queued_messages 0', 'max_inflight_messages 0']),
    'set_tcp_nodelay true',
    `persistence ${options.persistence === true}`,
    ...(options.persistence === true ? [`persistence_location ${dir}/`] : []),
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
  await writeFile(configPath, mosquittoConfig(dir, port, options));
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
  };
}
