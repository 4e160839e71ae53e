/**
 * Packet size guard of the embedded and clustered brokers. It closes an MQTT connection as soon as a
 * packet's fixed header announces a remaining length above the limit, before aedes buffers the body.
 * Without it, `max_payload_bytes` applies only after aedes has parsed the whole packet, and MQTT 3.1.1
 * allows a remaining length of up to 268,435,455 bytes.
 *
 * Mechanism: the guard wraps the `read` method of the one socket that aedes reads. aedes 1.2.0
 * (lib/client.js) reads a connection in paused mode: on `'readable'` it calls `conn.read(null)`, parses
 * the buffer that `read` returns, and reads again only after it has handled that batch. The wrapper
 * scans the same buffer before returning it, without a copy. It adds no stream stage and no buffer,
 * and the socket's read buffer still applies back-pressure as before.
 *
 * A `'data'` listener would get the same buffers, because `Readable.read` emits `'data'` with the chunk
 * it returns, but it would change the stream's mode. When aedes closes a client, it removes its
 * `'readable'` listener. Node 20 then resumes a stream that still has a `'data'` listener, so the socket
 * would be read in flowing mode until aedes destroys it. Node 20.20 streams did not emit
 * `'removeListener'` when a listener was removed, so a listener could not leave in time.
 *
 * The read that contains an oversized header never reaches aedes: the wrapper destroys the socket and
 * returns null, so aedes also drops the packets of that read that precede the header. The broker thus
 * keeps at most one read of an oversized packet, about one socket read buffer
 * (`SOCKET_READ_BUFFER_BYTES` on the embedded broker's plain listener, Node's default elsewhere).
 */
import type { Readable } from 'node:stream';
import type { BrokerRejection } from './broker-rejection.js';

/** A connection as aedes reads it: a `net.Socket`, a `tls.TLSSocket` or another readable stream. */
export type GuardedConnection = Readable & { readonly remoteAddress?: string | undefined };

/** The aedes client of a connection, as `broker.handle` returns it. Its id is null until CONNECT. */
export interface GuardedClient {
  readonly id: string | null;
}

/**
 * Maximum bytes of a PUBLISH's remaining length besides its payload in MQTT 3.1.1 (section 3.3.2): the
 * topic's 2-byte length prefix, a topic of up to 65,535 bytes and the 2-byte packet id of QoS 1 and 2.
 */
export const MAX_PUBLISH_OVERHEAD_BYTES = 2 + 65_535 + 2;

/**
 * Returns the largest remaining length the guard accepts: `max_payload_bytes` plus
 * `MAX_PUBLISH_OVERHEAD_BYTES`, so that every PUBLISH whose payload the broker's publish hook accepts
 * also passes the guard. Packets of every other type, such as CONNECT and SUBSCRIBE, get the same limit.
 */
export function maxPacketBytes(max_payload_bytes: number): number {
  return max_payload_bytes + MAX_PUBLISH_OVERHEAD_BYTES;
}

/** Value of `remainingLengthBytes` between two packets, where the next byte is a packet's type byte. */
const AT_PACKET_START = -1;
/** Length of the longest remaining length field (MQTT 3.1.1 section 2.2.3). */
const MAX_REMAINING_LENGTH_BYTES = 4;

/** The check that failed: a remaining length over the limit, or a remaining length field of 5 or more bytes. */
export type PacketSizeViolation = 'packet_too_large' | 'malformed_packet';

/**
 * Reader of the MQTT fixed headers (MQTT 3.1.1 section 2.2) in one connection's byte stream. It keeps
 * its position across chunks, reads each packet's type byte and remaining length, and skips the body by
 * arithmetic. It allocates nothing while scanning.
 */
export class PacketHeaderScanner {
  /** Check that failed, undefined while every header passed. */
  violation: PacketSizeViolation | undefined;
  /** Remaining length of the packet that failed `packet_too_large`, in bytes. */
  announced_bytes = 0;
  /** Body bytes of the current packet not yet seen. */
  private bodyBytesLeft = 0;
  /** Bytes of the current remaining length field read so far, or `AT_PACKET_START`. */
  private remainingLengthBytes = AT_PACKET_START;
  /** Remaining length decoded from the bytes read so far. */
  private remainingLength = 0;

  constructor(readonly max_packet_bytes: number) {}

  /**
   * Scans the next chunk of the stream. Returns false, and sets `violation`, when a header in it
   * fails. The scanner then stays failed and returns false for every later chunk.
   */
  scan(chunk: Uint8Array): boolean {
    if (this.violation !== undefined) return false;
    const end = chunk.length;
    let position = 0;
    let bodyLeft = this.bodyBytesLeft;
    let lengthBytes = this.remainingLengthBytes;
    let length = this.remainingLength;
    for (;;) {
      if (bodyLeft >= end - position) {
        this.bodyBytesLeft = bodyLeft - (end - position);
        this.remainingLengthBytes = lengthBytes;
        this.remainingLength = length;
        return true;
      }
      // The rest of the current body lies in this chunk, and a header byte follows it.
      position += bodyLeft;
      bodyLeft = 0;
      if (lengthBytes === AT_PACKET_START) {
        position++;
        lengthBytes = 0;
        length = 0;
        continue;
      }
      const byte = chunk[position++]!;
      // Each byte carries 7 bits, least significant first, so 4 bytes give at most 28 bits.
      length |= (byte & 0x7f) << (7 * lengthBytes);
      lengthBytes++;
      if ((byte & 0x80) !== 0) {
        if (lengthBytes === MAX_REMAINING_LENGTH_BYTES) return this.fail('malformed_packet', 0);
        continue;
      }
      if (length > this.max_packet_bytes) return this.fail('packet_too_large', length);
      bodyLeft = length;
      lengthBytes = AT_PACKET_START;
    }
  }

  private fail(violation: PacketSizeViolation, announced_bytes: number): false {
    this.violation = violation;
    this.announced_bytes = announced_bytes;
    return false;
  }
}

/** Settings of `guardPacketSize`, one object per listener. */
export interface PacketSizeGuardSettings {
  /** `mqtt.broker.max_payload_bytes`, from which `maxPacketBytes` derives the limit. */
  max_payload_bytes: number;
  listener: 'tcp' | 'tls';
  /** Receives a `packet_too_large` or `malformed_packet` rejection for each connection the guard closes. */
  reject(rejection: BrokerRejection): void;
}

/**
 * Wraps `socket.read` so that each buffer aedes reads is scanned first. At the first header that
 * announces more than `maxPacketBytes(max_payload_bytes)`, or has a malformed remaining length, the
 * wrapper destroys the socket, reports the rejection and returns null instead of the buffer. For TLS,
 * pass the TLSSocket that aedes reads, so the guard scans the decrypted stream. The rejection names the
 * id of `client` once it has sent CONNECT. Throws when the socket has an encoding set, because the
 * guard scans bytes and aedes reads bytes.
 */
export function guardPacketSize(
  socket: GuardedConnection,
  settings: PacketSizeGuardSettings,
  client?: GuardedClient,
): void {
  if (socket.readableEncoding !== null) {
    throw new Error(`guardPacketSize reads bytes, but the socket decodes ${socket.readableEncoding}`);
  }
  const scanner = new PacketHeaderScanner(maxPacketBytes(settings.max_payload_bytes));
  const read = socket.read;
  socket.read = function readScanned(this: GuardedConnection, size?: number) {
    const chunk: Buffer | null = read.call(this, size);
    if (chunk === null) return null;
    // After a violation the socket is destroyed, and a read that still returns bytes is dropped.
    if (scanner.violation !== undefined) return null;
    if (scanner.scan(chunk)) return chunk;
    const remote_address = socket.remoteAddress;
    socket.destroy();
    const client_id = client?.id ?? undefined;
    settings.reject({ ...rejectionOf(scanner, settings), remote_address, client_id });
    return null;
  };
}

/**
 * Returns a connection handler that passes each socket to `handle` (aedes `broker.handle`) and then
 * guards it with `guardPacketSize`. Without `max_payload_bytes` it returns `handle` itself, so a broker
 * without a limit reads connections as before.
 */
export function guardedHandler<S extends GuardedConnection>(
  handle: (socket: S) => GuardedClient | undefined,
  settings: Omit<PacketSizeGuardSettings, 'max_payload_bytes'> & { max_payload_bytes: number | undefined },
): (socket: S) => void {
  const { max_payload_bytes } = settings;
  if (max_payload_bytes === undefined) return handle;
  const guard: PacketSizeGuardSettings = { ...settings, max_payload_bytes };
  return (socket) => {
    const client = handle(socket);
    guardPacketSize(socket, guard, client);
    return client;
  };
}

function rejectionOf(
  scanner: PacketHeaderScanner,
  settings: PacketSizeGuardSettings,
): Pick<BrokerRejection, 'reason' | 'listener' | 'detail'> {
  const { listener } = settings;
  if (scanner.violation === 'malformed_packet') {
    const detail = 'remaining length field longer than 4 bytes (MQTT 3.1.1 section 2.2.3)';
    return { reason: 'malformed_packet', listener, detail };
  }
  const detail =
    `packet of ${scanner.announced_bytes} bytes announced, limit ${scanner.max_packet_bytes} ` +
    `(max_payload_bytes ${settings.max_payload_bytes} plus ${MAX_PUBLISH_OVERHEAD_BYTES} for topic and packet id); ` +
    'raise mqtt.broker.max_payload_bytes or send smaller messages';
  return { reason: 'packet_too_large', listener, detail };
}
