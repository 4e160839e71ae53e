/**
 * An MQTT 3.1.1 client that writes its packets byte by byte, for sending what a library client would
 * not send: a PUBLISH whose header announces far more bytes than follow.
 */
import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** Encodes a remaining length (MQTT 3.1.1 section 2.2.3). */
export function remainingLength(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return bytes;
}

function mqttString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}

/** A CONNECT with clean session, keep-alive 60 s, no will and no credentials. */
function connectPacket(clientId: string): Buffer {
  const variableHeader = Buffer.concat([mqttString('MQTT'), Buffer.from([4, 0x02, 0, 60])]);
  const body = Buffer.concat([variableHeader, mqttString(clientId)]);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]);
}

/** Returns the start of a QoS 0 PUBLISH to `topic` whose header announces a payload of `payloadBytes`. */
export function publishStart(topic: string, payloadBytes: number): Buffer {
  const topicBytes = mqttString(topic);
  const header = Buffer.from([0x30, ...remainingLength(topicBytes.length + payloadBytes)]);
  return Buffer.concat([header, topicBytes]);
}

/** Options of `connectRaw`. */
export interface RawClientOptions {
  port: number;
  client_id: string;
  /** CA certificates of a TLS connection. Without them the client connects over plain TCP. */
  tls_ca?: Buffer[];
}

/** Connects to 127.0.0.1, sends CONNECT and resolves once the broker has accepted it with CONNACK 0. */
export async function connectRaw(options: RawClientOptions): Promise<Socket> {
  const socket =
    options.tls_ca === undefined
      ? connectTcp(options.port, '127.0.0.1')
      : connectTls({ host: '127.0.0.1', port: options.port, ca: options.tls_ca });
  await once(socket, options.tls_ca === undefined ? 'connect' : 'secureConnect');
  socket.write(connectPacket(options.client_id));
  const [connack] = (await once(socket, 'data')) as [Buffer];
  if (connack.length < 4 || connack[0] !== 0x20 || connack[3] !== 0) {
    throw new Error(`expected CONNACK with return code 0, got ${connack.toString('hex')}`);
  }
  return socket;
}

/** Outcome of `sendOversizedPublish`. */
export interface OversizedPublishOutcome {
  /** Whether the broker closed the connection before the client stopped sending. */
  closed: boolean;
  /** Payload bytes the client wrote before the close or before it stopped. */
  payload_bytes_sent: number;
  /** Payload bytes that the header announced. */
  payload_bytes_announced: number;
}

/**
 * Writes the header of a PUBLISH announcing `announcedBytes` of payload and the first `firstBytes` of
 * it, then waits up to `waitMs` for the broker to close the connection. A connection still open then
 * gets more payload in 64 KiB writes, up to `maxPayloadBytes` in all, as a client streaming the body.
 */
export async function sendOversizedPublish(
  socket: Socket,
  options: { announcedBytes: number; firstBytes: number; waitMs: number; maxPayloadBytes: number },
): Promise<OversizedPublishOutcome> {
  let closed = false;
  const closing = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closed = true;
      resolve();
    });
  });
  // The broker resets the connection while the client writes.
  socket.on('error', () => {});
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  socket.write(
    Buffer.concat([publishStart('cold/oversized', options.announcedBytes), chunk.subarray(0, options.firstBytes)]),
  );
  let sent = options.firstBytes;
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, options.waitMs))]);
  while (!closed && sent < options.maxPayloadBytes) {
    const size = Math.min(chunk.length, options.maxPayloadBytes - sent);
    const accepted = socket.write(chunk.subarray(0, size));
    sent += size;
    const drained = accepted ? new Promise((resolve) => setImmediate(resolve)) : once(socket, 'drain').catch(() => {});
    await Promise.race([closing, drained]);
  }
  if (!closed) await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, options.waitMs))]);
  return { closed, payload_bytes_sent: sent, payload_bytes_announced: options.announcedBytes };
}
