/**
 * The embedded MQTT broker: aedes 1.x on a plain TCP listener. It listens on loopback by default, and
 * on any other address only with an `authenticate` checker, so it never exposes an open broker.
 */
import { once } from 'node:events';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Aedes, AuthenticateError } from 'aedes';

/** Checker of a CONNECT's user name and password. Returning true accepts the client, anything else rejects it. */
export type BrokerAuthenticator = (
  username: string | undefined,
  password: Buffer | undefined,
) => boolean | Promise<boolean>;

/** Options of `startEmbeddedBroker`. */
export interface EmbeddedBrokerOptions {
  /** Address to listen on, default `127.0.0.1`. Any non-loopback address requires `authenticate`. */
  host?: string;
  /** TCP port, where 0 picks a free one. Default 1883. */
  port?: number;
  /** Maximum PUBLISH payload in bytes. A client that sends a larger one is disconnected. Default no limit. */
  max_payload_bytes?: number;
  /** User name and password check for CONNECT. A checker that throws rejects the client. Default none, so every client is accepted. */
  authenticate?: BrokerAuthenticator;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  /** URL clients connect to, `mqtt://host:port`. */
  url: string;
  port: number;
  host: string;
  /** Disconnects every client and closes the listener. */
  stop(): Promise<void>;
  /** Number of connected MQTT clients. */
  clientCount(): number;
}

/** Stable codes of `EmbeddedBrokerError`. */
export type EmbeddedBrokerErrorCode = 'BROKER_AUTH_REQUIRED' | 'BROKER_LISTEN_FAILED' | 'BROKER_OPTION_INVALID';

/** The embedded broker could not start. */
export class EmbeddedBrokerError extends Error {
  constructor(
    readonly code: EmbeddedBrokerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EmbeddedBrokerError';
  }
}

/** Returns true for `localhost` and the IPv4 127.0.0.0/8 and IPv6 ::1 loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function checkOptions(host: string, port: number, options: EmbeddedBrokerOptions): void {
  if (!isLoopbackHost(host) && options.authenticate === undefined) {
    throw new EmbeddedBrokerError(
      'BROKER_AUTH_REQUIRED',
      `the embedded broker may listen on ${host} only with client authentication; ` +
        'pass an authenticate checker (user names and passwords from the gateway config) or keep host 127.0.0.1',
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EmbeddedBrokerError('BROKER_OPTION_INVALID', `port ${port} is not a TCP port; use 0..65535`);
  }
  const max = options.max_payload_bytes;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new EmbeddedBrokerError('BROKER_OPTION_INVALID', `max_payload_bytes ${max} must be a positive integer`);
  }
}

/** Builds the aedes hooks for authentication and the payload limit. */
function brokerHooks(options: EmbeddedBrokerOptions) {
  const hooks: Record<string, unknown> = {};
  const authenticate = options.authenticate;
  if (authenticate !== undefined) {
    hooks.authenticate = (
      _client: unknown,
      username: string | undefined,
      password: Buffer | undefined,
      done: (error: AuthenticateError | null, success: boolean | null) => void,
    ) => {
      Promise.resolve()
        .then(() => authenticate(username, password))
        .then(
          (accepted) => done(null, accepted === true),
          () => done(null, false),
        );
    };
  }
  const max = options.max_payload_bytes;
  if (max !== undefined) {
    // MQTT 3.1.1 section 3.3.5: a server that does not accept a PUBLISH has no way to tell the client,
    // so it closes the connection, and aedes does that when this hook returns an error.
    // NOTE: aedes parses the whole packet before this hook runs, so the limit does not bound the memory
    // one oversized packet takes (MQTT allows up to 256 MB).
    hooks.authorizePublish = (
      _client: unknown,
      packet: { payload: Buffer | string },
      done: (error?: Error | null) => void,
    ) => {
      const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      done(size > max ? new Error(`payload of ${size} bytes exceeds max_payload_bytes ${max}`) : null);
    };
  }
  return hooks;
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new EmbeddedBrokerError(
      'BROKER_LISTEN_FAILED',
      `embedded broker cannot listen on ${host}:${port} (${detail}); free the port or choose another one (0 picks a free port)`,
    );
  }
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new EmbeddedBrokerError('BROKER_LISTEN_FAILED', `listener on ${host}:${port} has no TCP address`);
  }
  return address.port;
}

/** Starts aedes on `host:port`; throws `EmbeddedBrokerError` when the options are unsafe or the port is taken. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 1883;
  checkOptions(host, requestedPort, options);
  const { Aedes: AedesBroker } = await import('aedes');
  const broker: Aedes = await AedesBroker.createBroker(brokerHooks(options));
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  let port: number;
  try {
    port = await listen(server, host, requestedPort);
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  return {
    url: `mqtt://${urlHost}:${port}`,
    port,
    host,
    clientCount: () => broker.connectedClients,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
