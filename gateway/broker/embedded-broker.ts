/**
 * The embedded MQTT broker: aedes 1.x on a plain TCP listener and, optionally, a TLS listener. It listens
 * on loopback by default, and on any other address only with authentication, so it never exposes an open
 * broker. Every rejection is emitted as a `rejected` event on `events`.
 */
import { once } from 'node:events';
import { isIP, type Server, type Socket } from 'node:net';
import type { Aedes, Client } from 'aedes';
import { checkBrokerListenerSafety, isLoopbackHost } from '../security/listener-safety.js';
import type { MqttAccessPolicy, MqttIdentity } from '../security/mqtt-access.js';
import { SecurityError } from '../security/security-error.js';
import { EmbeddedBrokerError } from './broker-error.js';
import { type BrokerAuthenticator, brokerHooks } from './broker-hooks.js';
import { createBrokerListeners } from './broker-listeners.js';
import { BrokerEventEmitter, type BrokerRejection } from './broker-rejection.js';
import { type BrokerTlsOptions, tlsServerOptions } from './broker-tls.js';
import { ConnackGate } from './connack-gate.js';
import { PublishTapSlot } from './publish-tap.js';

export { EmbeddedBrokerError, type EmbeddedBrokerErrorCode } from './broker-error.js';
export type { BrokerAuthenticator } from './broker-hooks.js';
export type { BrokerRejection, BrokerRejectionReason } from './broker-rejection.js';
export type { BrokerTlsOptions } from './broker-tls.js';
export type { PublishTap, TappedMessage } from './publish-tap.js';
export { isLoopbackHost };

/** Options of `startEmbeddedBroker`. */
export interface EmbeddedBrokerOptions {
  /** Address to listen on, default `127.0.0.1`. Any non-loopback address requires authentication. */
  host?: string;
  /** TCP port, where 0 picks a free one. Default 1883. */
  port?: number;
  /**
   * Maximum PUBLISH payload in bytes. A client that sends a larger one is disconnected, and so is a client
   * whose packet header announces more than this plus 65,539 bytes (`maxPacketBytes`), before the broker
   * reads the packet's body. Default no limit.
   */
  max_payload_bytes?: number;
  /** User name and password check for CONNECT. A checker that throws rejects the client. Default none. */
  authenticate?: BrokerAuthenticator;
  /** Users, roles, topic patterns, topic depth and connection rate (`createMqttAccess`). Default none. */
  access?: MqttAccessPolicy;
  /** TLS listener, started in addition to the plain one. Default none. */
  tls?: BrokerTlsOptions;
  /**
   * Keep every published message unacknowledged while no tap is set (`PublishTapSlot`), for a gateway
   * that stores what it reads through the tap. Before its input starts and after it stops, a PUBACK
   * would otherwise go out for a message that was never stored. Default false.
   */
  hold_until_tapped?: boolean;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** URL clients connect to, `mqtt://host:port`. */
  url: string;
  port: number;
  host: string;
  /** URL of the TLS listener, `mqtts://host:port`, when one is configured. */
  tls_url: string | undefined;
  tls_port: number | undefined;
  /** Emits `rejected` with a `BrokerRejection` for every rejected connection, CONNECT, PUBLISH or SUBSCRIBE. */
  events: BrokerEventEmitter;
  /** Disconnects every client and closes the listeners. */
  stop(): Promise<void>;
  /** Number of connected MQTT clients. */
  clientCount(): number;
  /** Hook through which the gateway reads published messages in process, before their PUBACK. */
  tap: PublishTapSlot;
}

/** Read buffer of each client socket, in bytes (Node's default is 16 KiB on Node 20). */
const SOCKET_READ_BUFFER_BYTES = 256 * 1024;

function hasAuthentication(options: EmbeddedBrokerOptions): boolean {
  if (options.authenticate !== undefined) return true;
  return options.access !== undefined && !options.access.allow_anonymous;
}

function checkSafety(name: 'mqtt' | 'mqtt tls', host: string, options: EmbeddedBrokerOptions): void {
  try {
    checkBrokerListenerSafety(name, host, hasAuthentication(options));
  } catch (error) {
    if (error instanceof SecurityError) throw new EmbeddedBrokerError('BROKER_AUTH_REQUIRED', error.message);
    throw error;
  }
}

function checkPort(port: number, key: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EmbeddedBrokerError('BROKER_OPTION_INVALID', `${key} ${port} is not a TCP port; use 0..65535`);
  }
}

function checkOptions(host: string, port: number, options: EmbeddedBrokerOptions): void {
  checkSafety('mqtt', host, options);
  if (options.tls !== undefined) checkSafety('mqtt tls', options.tls.host ?? '127.0.0.1', options);
  checkPort(port, 'port');
  if (options.tls !== undefined) checkPort(options.tls.port ?? 8883, 'tls.port');
  if (options.authenticate !== undefined && options.access !== undefined) {
    throw new EmbeddedBrokerError('BROKER_OPTION_INVALID', 'pass either authenticate or access, not both');
  }
  const max = options.max_payload_bytes;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new EmbeddedBrokerError('BROKER_OPTION_INVALID', `max_payload_bytes ${max} must be a positive integer`);
  }
}

async function listen(server: Server, host: string, port: number, option: 'port' | 'tls.port'): Promise<number> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new EmbeddedBrokerError(
      'BROKER_LISTEN_FAILED',
      `embedded broker cannot listen on ${host}:${port} (${detail}); free the port or choose another one (0 picks a free port)`,
      option,
    );
  }
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new EmbeddedBrokerError('BROKER_LISTEN_FAILED', `listener on ${host}:${port} has no TCP address`);
  }
  return address.port;
}

function urlOf(scheme: string, host: string, port: number): string {
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Starts aedes on `host:port`; throws `EmbeddedBrokerError` when the options are unsafe or a port is taken. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 1883;
  checkOptions(host, requestedPort, options);
  const tlsSettings = options.tls === undefined ? undefined : tlsServerOptions(options.tls);
  const events = new BrokerEventEmitter();
  const reject = (rejection: BrokerRejection) => events.emit('rejected', rejection);
  const identities = new WeakMap<Client, MqttIdentity>();
  const hooks = brokerHooks(
    {
      authenticate: options.authenticate,
      access: options.access,
      max_payload_bytes: options.max_payload_bytes,
      reject,
    },
    identities,
  );
  const tap = new PublishTapSlot(options.hold_until_tapped === true);
  hooks.authorizePublish = tap.wrap(hooks.authorizePublish as Parameters<PublishTapSlot['wrap']>[0]);
  const connackGate = new ConnackGate();
  hooks.authorizeForward = connackGate.authorizeForward;
  const { Aedes: AedesBroker } = await import('aedes');
  const broker: Aedes = await AedesBroker.createBroker(hooks);
  connackGate.watch(broker);
  // aedes hands all packets of one socket read to its handlers together and reads again once all are
  // handled, so a larger read buffer lets a busy connection share one group commit among more messages.
  const listeners = createBrokerListeners({
    handle: (socket) => broker.handle(socket as Socket),
    access: options.access,
    max_payload_bytes: options.max_payload_bytes,
    tls: tlsSettings,
    reject,
    read_buffer_bytes: SOCKET_READ_BUFFER_BYTES,
  });
  const { server, tls_server: tlsServer } = listeners;
  const closeAll = async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    listeners.destroySockets();
    await listeners.close();
  };
  let port: number;
  let tlsPort: number | undefined;
  try {
    port = await listen(server, host, requestedPort, 'port');
    if (tlsServer !== undefined)
      tlsPort = await listen(tlsServer, options.tls?.host ?? '127.0.0.1', options.tls?.port ?? 8883, 'tls.port');
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    url: urlOf('mqtt', host, port),
    port,
    host,
    tls_url: tlsPort === undefined ? undefined : urlOf('mqtts', options.tls?.host ?? '127.0.0.1', tlsPort),
    tls_port: tlsPort,
    events,
    clientCount: () => broker.connectedClients,
    stop: closeAll,
    tap,
  };
}
