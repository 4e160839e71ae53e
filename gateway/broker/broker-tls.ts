/** The TLS listener's settings, the reading of its PEM files and the listener itself. */
import { readFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { createServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { EmbeddedBrokerError } from './broker-error.js';
import type { BrokerRejection } from './broker-rejection.js';

/** TLS listener of the embedded broker (MQTT over TLS, MQTT 3.1.1 section 5.4.5 recommends it). */
export interface BrokerTlsOptions {
  /** Address to listen on, default `127.0.0.1`. */
  host?: string;
  /** TCP port, 0 picks a free one. Default 8883. */
  port?: number;
  /** PEM certificate chain of the broker. */
  cert_file: string;
  /** PEM private key of the broker. */
  key_file: string;
  /** PEM CA certificates of client certificates; setting it requests a certificate from each client. */
  ca_file?: string | undefined;
  /** Reject clients without a certificate signed by `ca_file`. Default false. */
  require_client_cert?: boolean;
}

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new EmbeddedBrokerError(
      'BROKER_TLS_INVALID',
      `mqtt.broker.tls.${key} ${path} cannot be read (${(error as Error).message}); point it at a PEM file`,
    );
  }
}

/** Reads the PEM files into `tls.createServer` options. */
export function tlsServerOptions(options: BrokerTlsOptions): TlsOptions {
  if (options.require_client_cert === true && options.ca_file === undefined) {
    throw new EmbeddedBrokerError(
      'BROKER_TLS_INVALID',
      'mqtt.broker.tls.require_client_cert needs ca_file, the CA that signs client certificates',
    );
  }
  const server: TlsOptions = {
    cert: readPem(options.cert_file, 'cert_file'),
    key: readPem(options.key_file, 'key_file'),
    minVersion: 'TLSv1.2',
  };
  if (options.ca_file !== undefined) {
    server.ca = readPem(options.ca_file, 'ca_file');
    server.requestCert = true;
    server.rejectUnauthorized = options.require_client_cert === true;
  }
  return server;
}

/** Callbacks of `createBrokerTlsServer`. */
export interface BrokerTlsHandlers {
  /** Receives each raw connection before its handshake, and returns false after destroying one it rejects. */
  admit(socket: Socket): boolean;
  /** Receives each connection whose handshake succeeded, such as aedes `handle`. */
  handle(socket: TLSSocket): void;
  /** Receives a `tls_failed` rejection for each failed handshake. */
  reject(rejection: BrokerRejection): void;
}

/** Creates a broker's TLS listener from `tlsServerOptions` output. The caller starts it with `listen`. */
export function createBrokerTlsServer(settings: TlsOptions, handlers: BrokerTlsHandlers): Server {
  const server = createServer(settings, (socket) => handlers.handle(socket));
  // The rate limit applies to the raw connection before the handshake, which costs the broker more than the client.
  server.on('connection', (socket: Socket) => handlers.admit(socket));
  server.on('tlsClientError', (error, socket) =>
    handlers.reject({
      reason: 'tls_failed',
      listener: 'tls',
      remote_address: socket.remoteAddress,
      detail: error.message,
    }),
  );
  return server;
}
