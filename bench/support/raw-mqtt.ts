/**
 * A minimal MQTT 3.1.1 client on a plain socket, for load generation only: CONNECT (section 3.1), PUBLISH
 * at QoS 0 or 1 (3.3), PUBACK (3.4), SUBSCRIBE (3.8). It builds each packet with one Buffer allocation and
 * skips everything a load generator does not need (keep alive, retries, QoS 2, will messages), so its CPU
 * cost per message stays far below the broker's.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

const CONNACK = 0x20;
const PUBLISH = 0x30;
const PUBACK = 0x40;
const SUBACK = 0x90;

/** Bytes of the "Remaining Length" varint (section 2.2.3) for `length`. */
function varintBytes(length: number): number {
  if (length < 128) return 1;
  if (length < 16_384) return 2;
  if (length < 2_097_152) return 3;
  return 4;
}

function writeVarint(buffer: Buffer, offset: number, length: number): number {
  let rest = length;
  let at = offset;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    buffer[at++] = byte;
  } while (rest > 0);
  return at;
}

/** Encodes one PUBLISH packet (section 3.3); `packetId` is used only at QoS 1. */
export function encodePublish(topic: string, payload: string, qos: 0 | 1, packetId: number): Buffer {
  const topicBytes = Buffer.byteLength(topic);
  const payloadBytes = Buffer.byteLength(payload);
  const remaining = 2 + topicBytes + (qos === 1 ? 2 : 0) + payloadBytes;
  const buffer = Buffer.allocUnsafe(1 + varintBytes(remaining) + remaining);
  buffer[0] = PUBLISH | (qos << 1);
  let at = writeVarint(buffer, 1, remaining);
  at = buffer.writeUInt16BE(topicBytes, at);
  at += buffer.write(topic, at);
  if (qos === 1) at = buffer.writeUInt16BE(packetId, at);
  buffer.write(payload, at);
  return buffer;
}

function encodeConnect(clientId: string): Buffer {
  const idBytes = Buffer.byteLength(clientId);
  // Protocol name "MQTT", level 4, flags: clean session; keep alive 0 turns the keep-alive check off.
  const remaining = 10 + 2 + idBytes;
  const buffer = Buffer.alloc(2 + remaining);
  buffer[0] = 0x10;
  buffer[1] = remaining;
  buffer.writeUInt16BE(4, 2);
  buffer.write('MQTT', 4);
  buffer[8] = 4;
  buffer[9] = 0x02;
  buffer.writeUInt16BE(0, 10);
  buffer.writeUInt16BE(idBytes, 12);
  buffer.write(clientId, 14);
  return buffer;
}

function encodeSubscribe(filter: string, qos: 0 | 1): Buffer {
  const filterBytes = Buffer.byteLength(filter);
  const remaining = 2 + 2 + filterBytes + 1;
  const buffer = Buffer.alloc(1 + varintBytes(remaining) + remaining);
  buffer[0] = 0x82;
  let at = writeVarint(buffer, 1, remaining);
  at = buffer.writeUInt16BE(1, at);
  at = buffer.writeUInt16BE(filterBytes, at);
  at += buffer.write(filter, at);
  buffer[at] = qos;
  return buffer;
}

/** A received PUBLISH: its topic and payload. */
export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
}

/** Handlers a `RawMqttClient` calls. */
export interface RawMqttHandlers {
  /** A PUBACK for `packetId` arrived. */
  onPuback?(packetId: number): void;
  /** A PUBLISH arrived; at QoS 1 the client has already sent its PUBACK. */
  onMessage?(message: ReceivedMessage): void;
}

/** One MQTT connection. Throws when the broker refuses the CONNECT or the socket fails. */
export class RawMqttClient {
  private pending: Buffer = Buffer.alloc(0);
  private connackWaiter: ((code: number) => void) | undefined;
  private subackWaiter: (() => void) | undefined;

  private constructor(
    readonly socket: Socket,
    private readonly handlers: RawMqttHandlers,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Connects to `host:port` and resolves after CONNACK with return code 0 (section 3.2.2.3). */
  static async connect(
    host: string,
    port: number,
    clientId: string,
    handlers: RawMqttHandlers = {},
  ): Promise<RawMqttClient> {
    const socket = connect({ host, port });
    await once(socket, 'connect');
    const client = new RawMqttClient(socket, handlers);
    const accepted = new Promise<number>((resolve) => {
      client.connackWaiter = resolve;
    });
    socket.write(encodeConnect(clientId));
    const code = await accepted;
    if (code !== 0) throw new Error(`broker ${host}:${port} refused CONNECT of ${clientId} with return code ${code}`);
    return client;
  }

  /** Subscribes to `filter` and resolves after SUBACK. */
  async subscribe(filter: string, qos: 0 | 1): Promise<void> {
    const acked = new Promise<void>((resolve) => {
      this.subackWaiter = resolve;
    });
    this.socket.write(encodeSubscribe(filter, qos));
    await acked;
  }

  /** Writes an encoded packet; returns false when the socket buffer is full (wait for `drain`). */
  write(packet: Buffer): boolean {
    return this.socket.write(packet);
  }

  /**
   * Sends DISCONNECT (section 3.14) and closes the socket. A broker that has not read everything sent
   * within `grace_ms` gets the socket destroyed, and the unread messages are lost.
   */
  async close(grace_ms = 5000): Promise<void> {
    if (this.socket.destroyed) return;
    const closed = once(this.socket, 'close');
    this.socket.end(Buffer.from([0xe0, 0x00]));
    const timer = setTimeout(() => this.socket.destroy(), grace_ms);
    await closed;
    clearTimeout(timer);
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (at + 2 <= this.pending.length) {
      let length = 0;
      let multiplier = 1;
      let cursor = at + 1;
      let complete = false;
      while (cursor < this.pending.length) {
        const byte = this.pending[cursor++] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || cursor + length > this.pending.length) break;
      this.dispatch(this.pending[at] as number, this.pending.subarray(cursor, cursor + length));
      at = cursor + length;
    }
    this.pending = at === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(at);
  }

  private dispatch(header: number, body: Buffer): void {
    const type = header & 0xf0;
    if (type === PUBACK) this.handlers.onPuback?.(body.readUInt16BE(0));
    else if (type === PUBLISH) this.receivePublish(header, body);
    else if (type === CONNACK) this.connackWaiter?.(body[1] as number);
    else if (type === SUBACK) this.subackWaiter?.();
  }

  private receivePublish(header: number, body: Buffer): void {
    const qos = (header >> 1) & 0x03;
    const topicLength = body.readUInt16BE(0);
    const topic = body.toString('utf8', 2, 2 + topicLength);
    let at = 2 + topicLength;
    if (qos > 0) {
      const ack = Buffer.from([PUBACK, 0x02, body[at] as number, body[at + 1] as number]);
      this.socket.write(ack);
      at += 2;
    }
    this.handlers.onMessage?.({ topic, payload: body.subarray(at) });
  }
}
