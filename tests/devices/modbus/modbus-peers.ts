/**
 * Servers the Modbus tests start on 127.0.0.1: a modbus-serial ServerTCP over a register map, and raw TCP
 * peers that send exactly the bytes a test gives them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import modbusSerial, { type IServiceVector } from 'modbus-serial';

/** A register map served by modbus-serial's ServerTCP. */
export interface RegisterMap {
  holding?: Map<number, number>;
  input?: Map<number, number>;
  coil?: Map<number, boolean>;
  discrete?: Map<number, boolean>;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Returns a port that was free a moment ago, because ServerTCP treats port 0 as 502 and cannot pick a free
 * port by itself. Another process could take the port between this call and the listen.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a ServerTCP that serves `map` (missing addresses read as 0) through `vector` overrides. */
export async function startRegisterServer(map: RegisterMap, overrides: IServiceVector = {}): Promise<RunningServer> {
  const vector: IServiceVector = {
    getHoldingRegister: (address: number) => map.holding?.get(address) ?? 0,
    getInputRegister: (address: number) => map.input?.get(address) ?? 0,
    getCoil: (address: number) => map.coil?.get(address) ?? false,
    getDiscreteInput: (address: number) => map.discrete?.get(address) ?? false,
    ...overrides,
  };
  const port = await freePort();
  const server = new modbusSerial.ServerTCP(vector, { host: '127.0.0.1', port, unitID: 1 });
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError', reject);
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.socks.keys()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP peer and what it received. */
export interface RawPeer extends RunningServer {
  connections: number;
  received: Buffer[];
}

/** Starts a TCP peer on a free port that calls `onData` with each chunk it receives. */
export async function startRawPeer(onData: (socket: Socket, chunk: Buffer) => void = () => {}): Promise<RawPeer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    peer.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      peer.received.push(chunk);
      onData(socket, chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const peer: RawPeer = {
    port: (server.address() as { port: number }).port,
    connections: 0,
    received: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return peer;
}
