import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildServer, portAccepts, spawnServer, waitUntilReady } from '../../harness/child-server.js';
import { freePort } from '../../harness/free-port.js';

/** A redis-server child on 127.0.0.1 with persistence off. */
export interface RedisServer {
  url: string;
  port: number;
  /** Stops the redis-server process and keeps its folder, so that `startProcess` can start it again. */
  stopProcess(): Promise<void>;
  /** Starts redis-server again on the same port. It comes back empty, because persistence is off. */
  startProcess(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's redis-server on a free port without RDB or AOF files; resolves once the port accepts.
 * With `password`, clients must log in with it (`requirepass`).
 */
export async function startRedisServer(password?: string): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'coldpool-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (password !== undefined) args.push('--requirepass', password);
  let server: ChildServer = spawnServer('redis-server', args);
  await waitUntilReady(server, 'redis-server', () => portAccepts(port), 10_000);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    async stopProcess() {
      await server.stop();
    },
    async startProcess() {
      server = spawnServer('redis-server', args);
      await waitUntilReady(server, 'redis-server', () => portAccepts(port), 10_000);
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
