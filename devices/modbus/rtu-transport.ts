/**
 * One RS-485 line driven through `serialport`: it sends one RTU request at a time and waits for the reply
 * to it or the response timeout, as the master does in Modbus over Serial Line v1.02 section 2.4.1.
 * Before each request the line is flushed, so a late reply, an echo or noise from an earlier exchange is
 * never taken for the next reply.
 *
 * modbus-serial 8 has an RTU port of its own, but it takes the first bytes that match the unit id and
 * function code as the reply: an echoed request followed by the reply is cut into a frame with a bad CRC,
 * and nothing is discarded before a request. This transport rejects both.
 */
import { SerialPort } from 'serialport';
import { ModbusSerialError, ModbusTimeoutError, type RequestTarget } from './errors.js';
import type { ResolvedLineSettings } from './rtu-line.js';
import { type ExpectedReply, scanForReply } from './rtu-reply-scanner.js';

/** Counters of the bytes the transport threw away, for the bus health series. */
export interface RtuLineStats {
  /** Requests written to the line. */
  requests: number;
  /** Replies with a valid CRC that matched their request. */
  replies: number;
  /** Requests that got no valid reply within the timeout. */
  timeouts: number;
  /** Bytes dropped as noise, late replies or leftovers, outside any valid reply. */
  bytes_discarded: number;
  /** Copies of the request sent back by an echoing adapter. */
  echoes_ignored: number;
  /** Candidate frames whose CRC did not match. */
  crc_errors: number;
}

/** Largest receive buffer kept while waiting for one reply; an RTU frame has at most 256 bytes. */
const MAX_BUFFER_BYTES = 1024;

interface Waiter {
  expected: ExpectedReply;
  resolve(frame: Uint8Array): void;
  reject(error: Error): void;
}

export class RtuTransport {
  readonly stats: RtuLineStats = {
    requests: 0,
    replies: 0,
    timeouts: 0,
    bytes_discarded: 0,
    echoes_ignored: 0,
    crc_errors: 0,
  };
  private port: SerialPort | undefined;
  private buffer: Uint8Array = new Uint8Array(0);
  private waiter: Waiter | undefined;
  /** Bytes received since the current request was sent. */
  private receivedBytes = 0;

  constructor(private readonly settings: ResolvedLineSettings) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Opens the serial port with the bus settings. Throws `ModbusSerialError` when the port cannot be opened. */
  async open(): Promise<void> {
    if (this.isOpen) return;
    const { path, baud_rate, parity, data_bits, stop_bits } = this.settings;
    const port = new SerialPort({
      path,
      baudRate: baud_rate,
      parity,
      dataBits: data_bits,
      stopBits: stop_bits,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(new ModbusSerialError(path, error.message)) : resolve()));
    });
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    port.on('error', () => {});
    port.on('close', () => {
      this.waiter?.reject(new ModbusSerialError(path, 'the port closed'));
      this.waiter = undefined;
    });
    this.port = port;
  }

  /** Closes the port; a request in progress fails with `ModbusSerialError`. */
  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /**
   * Flushes the line, sends `request` and returns the first frame that is a valid reply to it with the
   * time from the write to the complete reply. Throws `ModbusTimeoutError` after `timeoutMs` counted from
   * the moment the request has left the port.
   */
  async transact(
    request: Uint8Array,
    expected: ExpectedReply,
    target: RequestTarget,
    timeoutMs: number,
  ): Promise<{ frame: Uint8Array; rtt_ms: number }> {
    const port = this.port;
    if (!port?.isOpen) throw new ModbusSerialError(this.settings.path, 'the port is not open');
    await this.flush(port);
    this.stats.requests++;
    this.receivedBytes = 0;
    const crcErrorsBefore = this.stats.crc_errors;
    const echoesBefore = this.stats.echoes_ignored;
    const reply = new Promise<Uint8Array>((resolve, reject) => {
      this.waiter = { expected, resolve, reject };
    });
    // The port may close before the race below starts listening, and the race still gets the rejection.
    reply.catch(() => {});
    const sent = performance.now();
    await writeAndDrain(port, request, this.settings.path);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.stats.timeouts++;
        const activity = {
          bytes: this.receivedBytes,
          crc_errors: this.stats.crc_errors - crcErrorsBefore,
          echoes: this.stats.echoes_ignored - echoesBefore,
        };
        reject(new ModbusTimeoutError(target, timeoutMs, activity));
      }, timeoutMs);
    });
    // Bytes may have arrived while the write drained.
    this.scan();
    try {
      const frame = await Promise.race([reply, timeout]);
      this.stats.replies++;
      return { frame, rtt_ms: performance.now() - sent };
    } finally {
      clearTimeout(timer);
      this.waiter = undefined;
    }
  }

  /** Drops every byte received so far, in our buffer and in the operating system's. */
  private async flush(port: SerialPort): Promise<void> {
    await new Promise<void>((resolve) => port.flush(() => resolve()));
    this.discard(this.buffer.length);
  }

  private receive(chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    if (this.buffer.length > MAX_BUFFER_BYTES) this.discard(this.buffer.length - MAX_BUFFER_BYTES);
    this.scan();
  }

  private scan(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const result = scanForReply(this.buffer, waiter.expected);
    this.stats.echoes_ignored += result.echoes;
    this.stats.crc_errors += result.bad_crc;
    const echoBytes = result.echoes * waiter.expected.request.length;
    if (result.kind === 'frame') {
      this.discard(result.start, echoBytes);
      this.buffer = this.buffer.subarray(result.frame.length);
      this.waiter = undefined;
      waiter.resolve(result.frame);
      return;
    }
    this.discard(result.keep_from, echoBytes);
  }

  /** Drops the first `count` bytes; `echoBytes` of them were echoes, not noise. */
  private discard(count: number, echoBytes = 0): void {
    if (count <= 0) return;
    this.stats.bytes_discarded += Math.max(0, count - echoBytes);
    this.buffer = this.buffer.subarray(count);
  }
}

function writeAndDrain(port: SerialPort, bytes: Uint8Array, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    port.write(Buffer.from(bytes), (error) => {
      if (error) reject(new ModbusSerialError(path, error.message));
    });
    port.drain((error) => (error ? reject(new ModbusSerialError(path, error.message)) : resolve()));
  });
}
