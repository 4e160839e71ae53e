/**
 * The listeners of a broker, embedded or clustered: a plain TCP server and, with TLS settings, a TLS
 * server. Each new connection passes the per-address connection rate limit first, then the packet size
 * guard, then goes to aedes. The listeners keep the open sockets, so that a stop can end them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import type { MqttAccessPolicy } from '../security/mqtt-access.js';
import { RateLimiter } from '../security/rate-limiter.js';
import type { BrokerRejection } from './broker-rejection.js';
import { createBrokerTlsServer } from './broker-tls.js';
import { type GuardedClient, type GuardedConnection, guardedHandler } from './packet-size-guard.js';

/** Options of `createBrokerListeners`. */
export interface BrokerListenerOptions {
  /** Receives each admitted connection, such as aedes `handle`. */
  handle(socket: GuardedConnection): GuardedClient | undefined;
  /** Connection rate limit per remote address, or none without a policy. */
  access: MqttAccessPolicy | undefined;
  /** `mqtt.broker.max_payload_bytes`, which bounds each packet's announced size. No bound when undefined. */
  max_payload_bytes: number | undefined;
  /** Settings of the TLS server from `tlsServerOptions`, or undefined for no TLS server. */
  tls: TlsOptions | undefined;
  /** Receives every rejection: connection rate, failed TLS handshake, packet size. */
  reject(rejection: BrokerRejection): void;
  /** Read buffer of each plain TCP socket in bytes, or undefined for Node's default. */
  read_buffer_bytes?: number;
}

/** The servers, not yet listening. The caller starts each with `listen`. */
export interface BrokerListeners {
  server: Server;
  tls_server: Server | undefined;
  /** Ends every open connection of both servers. */
  destroySockets(): void;
  /** Closes the servers that listen, once their connections have ended. */
  close(): Promise<void>;
}

/** Creates the plain and, with `tls`, the TLS server of a broker. */
export function createBrokerListeners(options: BrokerListenerOptions): BrokerListeners {
  const { access, max_payload_bytes, reject } = options;
  const limiter =
    access === undefined
      ? undefined
      : new RateLimiter({ max_events: access.max_connections_per_window, window_s: access.connection_window_s });
  const sockets = new Set<Socket>();
  const admit = (socket: Socket, listener: 'tcp' | 'tls'): boolean => {
    const remote_address = socket.remoteAddress;
    if (limiter !== undefined && !limiter.take(remote_address ?? '')) {
      reject({ reason: 'connection_rate', listener, remote_address, detail: 'too many new connections' });
      socket.destroy();
      return false;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return true;
  };
  const handleTcp = guardedHandler(options.handle, { max_payload_bytes, listener: 'tcp', reject });
  const serverOptions = options.read_buffer_bytes === undefined ? {} : { highWaterMark: options.read_buffer_bytes };
  const server = createServer(serverOptions, (socket) => {
    if (admit(socket, 'tcp')) handleTcp(socket);
  });
  const tls_server =
    options.tls === undefined
      ? undefined
      : createBrokerTlsServer(options.tls, {
          admit: (socket) => admit(socket, 'tls'),
          // The guard watches the TLSSocket that aedes reads, which carries the decrypted stream.
          handle: guardedHandler(options.handle, { max_payload_bytes, listener: 'tls', reject }),
          reject,
        });
  const servers = tls_server === undefined ? [server] : [server, tls_server];
  return {
    server,
    tls_server,
    destroySockets() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      const listening = servers.filter((each) => each.listening);
      await Promise.all(listening.map((each) => new Promise<void>((resolve) => each.close(() => resolve()))));
    },
  };
}
