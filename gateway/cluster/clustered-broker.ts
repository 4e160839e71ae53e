/**
 * One node of a clustered MQTT broker: aedes 1.x with mqemitter-redis 7 (messages published on any node
 * reach subscribers on every node) and aedes-persistence-redis 11 (retained messages, persistent sessions,
 * subscriptions and queued QoS 1 messages live in Redis). A client whose node restarts or dies reconnects
 * to any node, and with clean session off it gets the QoS 1 messages queued while it was away.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Aedes } from 'aedes';
import { isLoopbackHost } from '../security/listener-safety.js';
import { ClusterError } from './cluster-error.js';

/** Options of `startClusteredBroker`. */
export interface ClusteredBrokerOptions {
  /** Redis server shared by every node, `redis://host:port/db`. */
  redis_url: string;
  /** Broker id, unique per node; aedes uses it to tell its own messages and wills from the other nodes'. */
  node_id: string;
  /** Listen address; only loopback addresses are accepted for now. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 1883. */
  port?: number;
  /** Maximum offline QoS 1 messages sent to a reconnecting persistent session. Default 100000. */
  max_session_delivery?: number;
}

/** A running broker node. */
export interface ClusteredBroker {
  /** `mqtt://host:port` of this node. */
  url: string;
  port: number;
  /** Number of MQTT clients connected to this node. */
  clientCount(): number;
  /** Disconnects this node's clients, closes the listener and the Redis connections; data in Redis stays. */
  stop(): Promise<void>;
}

interface Closable {
  close(callback: () => void): void;
}

/** Starts one node; throws `ClusterError` when Redis is unreachable or the port is taken. */
export async function startClusteredBroker(options: ClusteredBrokerOptions): Promise<ClusteredBroker> {
  const host = options.host ?? '127.0.0.1';
  // NOTE: this node has none of the embedded broker's authentication and ACL hooks yet, so it refuses
  // any address but loopback rather than expose an open broker.
  if (!isLoopbackHost(host)) {
    throw new ClusterError(
      'CLUSTER_BROKER_LISTEN_FAILED',
      `broker node ${options.node_id} cannot listen on ${host}: clustered nodes have no authentication yet; use 127.0.0.1`,
    );
  }
  await checkRedis(options.redis_url, options.node_id);
  const { default: createEmitter } = await import('mqemitter-redis');
  const { default: createPersistence } = await import('aedes-persistence-redis');
  const { Aedes: AedesBroker } = await import('aedes');
  // ioredis retries a lost connection forever; both packages pass the URL through to it.
  const mq = createEmitter({ connectionString: options.redis_url });
  const persistence = createPersistence({
    ...redisOptions(options.redis_url),
    maxSessionDelivery: options.max_session_delivery ?? 100_000,
  });
  let broker: Aedes;
  try {
    broker = await AedesBroker.createBroker({ id: options.node_id, mq, persistence });
  } catch (error) {
    (mq as unknown as Closable).close(() => {});
    throw new ClusterError(
      'CLUSTER_REDIS_FAILED',
      `broker node ${options.node_id} could not open its Redis state at ${redactUrl(options.redis_url)}: ${(error as Error).message}; check that Redis runs`,
    );
  }
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  server.listen(options.port ?? 1883, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new ClusterError(
      'CLUSTER_BROKER_LISTEN_FAILED',
      `broker node ${options.node_id} cannot listen on ${host}:${options.port} (${(error as Error).message}); choose another port`,
    );
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    clientCount: () => broker.connectedClients,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Each disconnect makes aedes write session state to Redis; closing the Redis connections under
      // those writes rejects them with "Connection is closed", unhandled inside the persistence package.
      // NOTE: the 50 ms settle after the last client is gone is an estimate, not a guarantee.
      const deadline = Date.now() + 2000;
      while (broker.connectedClients > 0 && Date.now() < deadline) await delay(20);
      await delay(50);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/**
 * Connects once without retries and sends PING, because mqemitter-redis and aedes-persistence-redis retry
 * an unreachable server forever and would leave the start hanging.
 */
async function checkRedis(url: string, node_id: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new ClusterError(
      'CLUSTER_REDIS_FAILED',
      `broker node ${node_id} cannot reach Redis at ${redactUrl(url)} (${(error as Error).message}); start Redis or fix cluster.redis_url`,
    );
  } finally {
    probe.disconnect();
  }
}

/** ioredis options from a `redis://[user:password@]host:port[/db]` URL, for aedes-persistence-redis. */
function redisOptions(url: string): { host: string; port: number; db: number; username?: string; password?: string } {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.slice(1) || '0');
  return {
    host: parsed.hostname,
    port: Number(parsed.port || '6379'),
    db,
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

/** Returns the URL with its password masked, for error messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
