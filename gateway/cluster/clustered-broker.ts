/**
 * One node of a clustered MQTT broker: aedes 1.x with mqemitter-redis 7 (messages published on any node
 * reach subscribers on every node) and aedes-persistence-redis 11 (retained messages, persistent sessions,
 * subscriptions and queued QoS 1 messages live in Redis). A client whose node restarts or dies reconnects
 * to any node, and with clean session off it gets the QoS 1 messages queued while it was away.
 */
import { once } from 'node:events';
import { isIP, type Server, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Aedes, Client } from 'aedes';
import { brokerHooks } from '../broker/broker-hooks.js';
import { createBrokerListeners } from '../broker/broker-listeners.js';
import { BrokerEventEmitter, type BrokerRejection } from '../broker/broker-rejection.js';
import { type BrokerTlsOptions, tlsServerOptions } from '../broker/broker-tls.js';
import { ConnackGate } from '../broker/connack-gate.js';
import type { EmbeddedBroker } from '../broker/embedded-broker.js';
import { PublishTapSlot } from '../broker/publish-tap.js';
import { redactUrl } from '../secrets.js';
import { checkBrokerListenerSafety } from '../security/listener-safety.js';
import type { MqttAccessPolicy, MqttIdentity } from '../security/mqtt-access.js';
import { SecurityError } from '../security/security-error.js';
import type { ClusterConfig } from './cluster-config.js';
import { ClusterError } from './cluster-error.js';

/** Options of `startClusteredBroker`. */
export interface ClusteredBrokerOptions {
  /** Redis server shared by every node, `redis://host:port/db`. */
  redis_url: string;
  /** Broker id, unique per node; aedes uses it to tell its own messages and wills from the other nodes'. */
  node_id: string;
  /** Listen address; any address but loopback requires `access` without anonymous clients. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 1883. */
  port?: number;
  /** Maximum offline QoS 1 messages sent to a reconnecting persistent session. Default 100000. */
  max_session_delivery?: number;
  /**
   * Maximum PUBLISH payload in bytes. A client that sends a larger one is disconnected. As on the embedded
   * broker, so is a client whose packet header announces more than this plus 65,539 bytes. Default no limit.
   */
  max_payload_bytes?: number;
  /** Users, roles, topic ACLs and connection rate, as for the embedded broker. Default none. */
  access?: MqttAccessPolicy;
  /** TLS listener next to the plain one, with the embedded broker's settings and rules. Default none. */
  tls?: BrokerTlsOptions;
}

/** A running broker node, of the same shape as the embedded broker. */
export type ClusteredBroker = EmbeddedBroker;

/** Returns the node options that come from the `cluster` config section. */
export function clusterBrokerOptions(
  cluster: ClusterConfig,
): Pick<ClusteredBrokerOptions, 'redis_url' | 'node_id' | 'max_session_delivery'> {
  return { redis_url: cluster.redis_url, node_id: cluster.node_id, max_session_delivery: cluster.max_session_delivery };
}

interface Closable {
  close(callback: () => void): void;
}

/** Throws `ClusterError` when a listener of the node would bind beyond loopback without authentication. */
function checkSafety(options: ClusteredBrokerOptions, host: string): void {
  const authenticated = options.access !== undefined && !options.access.allow_anonymous;
  try {
    checkBrokerListenerSafety('mqtt', host, authenticated);
    if (options.tls !== undefined) checkBrokerListenerSafety('mqtt tls', tlsHostOf(options.tls), authenticated);
  } catch (error) {
    if (error instanceof SecurityError) throw new ClusterError('CLUSTER_BROKER_LISTEN_FAILED', error.message);
    throw error;
  }
}

function tlsHostOf(tls: BrokerTlsOptions): string {
  return tls.host ?? '127.0.0.1';
}

function urlOf(scheme: 'mqtt' | 'mqtts', host: string, port: number): string {
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Listens on `host:port` and returns the bound port. Throws `ClusterError` naming `option` on failure. */
async function listen(
  server: Server,
  host: string,
  port: number,
  node_id: string,
  option: 'port' | 'tls.port',
): Promise<number> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    throw new ClusterError(
      'CLUSTER_BROKER_LISTEN_FAILED',
      `broker node ${node_id} cannot listen on ${host}:${port} (${(error as Error).message}); choose another port`,
      option,
    );
  }
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/**
 * Starts one node with the embedded broker's authentication, ACL and payload hooks, and its TLS listener
 * when `tls` is set. Throws `ClusterError` when a listener would be open beyond loopback, Redis is
 * unreachable or a port is taken, and `EmbeddedBrokerError` `BROKER_TLS_INVALID` when a PEM file cannot
 * be read.
 */
export async function startClusteredBroker(options: ClusteredBrokerOptions): Promise<ClusteredBroker> {
  const host = options.host ?? '127.0.0.1';
  checkSafety(options, host);
  const tlsSettings = options.tls === undefined ? undefined : tlsServerOptions(options.tls);
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
  const events = new BrokerEventEmitter();
  const reject = (rejection: BrokerRejection) => events.emit('rejected', rejection);
  const hooks = brokerHooks(
    { authenticate: undefined, access: options.access, max_payload_bytes: options.max_payload_bytes, reject },
    new WeakMap<Client, MqttIdentity>(),
  );
  // A cluster node's gateway reads through an MQTT subscription, not this tap, because messages that
  // clients of other nodes publish reach it only through the Redis emitter.
  const tap = new PublishTapSlot();
  hooks.authorizePublish = tap.wrap(hooks.authorizePublish as Parameters<PublishTapSlot['wrap']>[0]);
  const connackGate = new ConnackGate();
  hooks.authorizeForward = connackGate.authorizeForward;
  let broker: Aedes;
  try {
    broker = await AedesBroker.createBroker({ ...hooks, id: options.node_id, mq, persistence });
    connackGate.watch(broker);
  } catch (error) {
    (mq as unknown as Closable).close(() => {});
    throw new ClusterError(
      'CLUSTER_REDIS_FAILED',
      `broker node ${options.node_id} could not open its Redis state at ${redactUrl(options.redis_url)}: ${(error as Error).message}; check that Redis runs`,
    );
  }
  const listeners = createBrokerListeners({
    handle: (socket) => broker.handle(socket as Socket),
    access: options.access,
    max_payload_bytes: options.max_payload_bytes,
    tls: tlsSettings,
    reject,
  });
  const { server, tls_server: tlsServer } = listeners;
  let port: number;
  let tlsPort: number | undefined;
  try {
    port = await listen(server, host, options.port ?? 1883, options.node_id, 'port');
    if (options.tls !== undefined && tlsServer !== undefined) {
      tlsPort = await listen(tlsServer, tlsHostOf(options.tls), options.tls.port ?? 8883, options.node_id, 'tls.port');
    }
  } catch (error) {
    await listeners.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  return {
    url: urlOf('mqtt', host, port),
    port,
    host,
    tls_url:
      options.tls === undefined || tlsPort === undefined ? undefined : urlOf('mqtts', tlsHostOf(options.tls), tlsPort),
    tls_port: tlsPort,
    events,
    clientCount: () => broker.connectedClients,
    tap,
    async stop() {
      listeners.destroySockets();
      await listeners.close();
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
  // With redis-server 7.0, a refused login reached the error event while the connect failed with
  // "Connection is closed.", which names no cause.
  let loginError: Error | undefined;
  probe.on('error', (error: Error) => {
    if (/WRONGPASS|NOAUTH|invalid password/i.test(error.message)) loginError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const refused = loginError ?? (/WRONGPASS|NOAUTH/.test((error as Error).message) ? (error as Error) : undefined);
    if (refused !== undefined) {
      throw new ClusterError(
        'CLUSTER_REDIS_FAILED',
        `broker node ${node_id}: Redis at ${redactUrl(url)} refused the login (${refused.message}); fix the user name or password in cluster.redis_url`,
      );
    }
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
