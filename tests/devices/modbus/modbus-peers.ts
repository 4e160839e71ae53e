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

/** One Modbus TCP request as a raw peer received it. */
export interface MbapRequest {
  transaction_id: number;
  unit_id: number;
  pdu: Buffer;
  /** The whole frame, MBAP header included. */
  frame: Buffer;
}

/**
 * Starts a raw peer that splits what it receives into Modbus TCP frames by the MBAP length field and calls
 * `onRequest` with each frame and its index over all connections.
 */
export async function startMbapPeer(
  onRequest: (socket: Socket, request: MbapRequest, index: number) => void,
): Promise<RawPeer> {
  let index = 0;
  const pending = new WeakMap<Socket, Buffer>();
  return startRawPeer((socket, chunk) => {
    let buffer = Buffer.concat([pending.get(socket) ?? Buffer.alloc(0), chunk]);
    while (buffer.length >= 6 && buffer.length >= 6 + buffer.readUInt16BE(4)) {
      const frame = buffer.subarray(0, 6 + buffer.readUInt16BE(4));
      buffer = buffer.subarray(frame.length);
      const request = { transaction_id: frame.readUInt16BE(0), unit_id: frame[6]!, pdu: frame.subarray(7), frame };
      onRequest(socket, request, index++);
    }
    pending.set(socket, buffer);
  });
}

/** Builds a Modbus TCP frame: MBAP header (transaction id, protocol 0, length, unit id), then the PDU. */
export function mbapFrame(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt16BE(transactionId, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt16BE(pdu.length + 1, 4);
  header[6] = unitId;
  return Buffer.concat([header, pdu]);
}

/** Builds the PDU of a function code 3 or 4 reply carrying `words`. */
export function registerReplyPdu(functionCode: number, words: number[]): Buffer {
  const pdu = Buffer.alloc(2 + 2 * words.length);
  pdu[0] = functionCode;
  pdu[1] = 2 * words.length;
  for (const [i, word] of words.entries()) pdu.writeUInt16BE(word, 2 + 2 * i);
  return pdu;
}
