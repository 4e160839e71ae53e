/**
 * Simulated cold-room controllers on one serial line: several unit ids share a port (a pty in tests, a
 * USB adapter on a bench), each serving the generic-tenths-c register map. It parses read requests
 * (function codes 1 to 4), replies with its own encoders and can inject line faults per unit. Every reply
 * is recorded with the values it carried, so a test can check each value the gateway decoded.
 */
import { SerialPort } from 'serialport';
import { type ControllerValues, type ValueSource, waveformValues } from './controller-values.js';
import { registerImage } from './register-image.js';
import { hasValidCrc, sealFrame } from './rtu-crc.js';
import { NoiseSource, type UnitFaults } from './rtu-faults.js';

export interface RtuSimOptions {
  /** Serial device or pty path to open. */
  path: string;
  /** Unit ids that reply, 1 to 247. */
  units: number[];
  /** Bits per second; replies wait as long as the line would need to carry them. Default 9600. */
  baud_rate?: number;
  /** Parity set on the port. Default `none`. */
  parity?: 'none' | 'even' | 'odd';
  /** Values served per unit and time. Default: `waveformValues`. */
  values?: ValueSource;
  /** Time between the end of a request and the start of the reply, in milliseconds. Default 5. */
  turnaround_ms?: number;
  /** Seed of the noise and corruption generator. Default 1. */
  seed?: number;
}

/** One reply the simulator sent, with the values it was encoded from. */
export interface ServedReply {
  /** Time the values were taken, integer milliseconds since the epoch. */
  time_ms: number;
  unit_id: number;
  function_code: number;
  start: number;
  quantity: number;
  kind: 'data' | 'exception';
  /** False when a bit was flipped on purpose, so the gateway must reject the frame. */
  intact: boolean;
  values: ControllerValues;
}

interface ParsedRequest {
  unit_id: number;
  function_code: number;
  start: number;
  quantity: number;
  frame: Buffer;
}

/** Largest quantity per read, per Modbus Application Protocol v1.1b3 sections 6.1 to 6.4. */
const MAX_QUANTITY: Record<number, number> = { 1: 2000, 2: 2000, 3: 125, 4: 125 };
const TABLES: Record<number, 'coil' | 'discrete' | 'holding' | 'input'> = {
  1: 'coil',
  2: 'discrete',
  3: 'holding',
  4: 'input',
};

export class RtuControllerSim {
  readonly served: ServedReply[] = [];
  /** Bytes received that did not form a valid request (noise, or requests cut by a flush). */
  bytes_dropped = 0;
  private readonly faults = new Map<number, UnitFaults>();
  private readonly noise: NoiseSource;
  private readonly values: ValueSource;
  private port: SerialPort | undefined;
  private buffer = Buffer.alloc(0);
  private replying: Promise<void> = Promise.resolve();

  constructor(private readonly options: RtuSimOptions) {
    this.noise = new NoiseSource(options.seed ?? 1);
    this.values = options.values ?? waveformValues;
  }

  /** Opens the port and starts replying. */
  async start(): Promise<void> {
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baud_rate ?? 9600,
      parity: this.options.parity ?? 'none',
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    port.on('error', () => {});
    this.port = port;
  }

  /** Waits for the reply in progress, then closes the port. */
  async stop(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    await this.replying;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Replaces the faults of `unitId`; an empty object clears them. */
  setFaults(unitId: number, faults: UnitFaults): void {
    this.faults.set(unitId, { ...faults });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    // Every read request is 8 bytes: unit, function code, start, quantity, CRC.
    while (this.buffer.length >= 8) {
      const frame = this.buffer.subarray(0, 8);
      if (!hasValidCrc(frame)) {
        this.buffer = this.buffer.subarray(1);
        this.bytes_dropped++;
        continue;
      }
      this.buffer = this.buffer.subarray(8);
      const request: ParsedRequest = {
        unit_id: frame[0]!,
        function_code: frame[1]!,
        start: frame.readUInt16BE(2),
        quantity: frame.readUInt16BE(4),
        frame: Buffer.from(frame),
      };
      this.replying = this.replying.then(() => this.reply(request));
    }
  }

  private async reply(request: ParsedRequest): Promise<void> {
    if (!this.options.units.includes(request.unit_id)) return;
    const faults = this.faults.get(request.unit_id) ?? {};
    if (faults.silent) return;

    await sleep((this.options.turnaround_ms ?? 5) + (faults.delay_ms ?? 0));
    const timeMs = Date.now();
    const values = this.values(request.unit_id, timeMs);
    const exception = faults.exception ?? requestException(request);
    const body = exception === undefined ? dataReply(request, values) : exceptionReply(request, exception);
    let frame = sealFrame(body);
    const isException = (body[1]! & 0x80) !== 0;

    const corrupt = (faults.corrupt_share ?? 0) > this.noise.next();
    if (corrupt) frame = flipBit(frame, this.noise);
    this.served.push({
      time_ms: timeMs,
      unit_id: request.unit_id,
      function_code: request.function_code,
      start: request.start,
      quantity: request.quantity,
      kind: isException ? 'exception' : 'data',
      intact: !corrupt,
      values,
    });

    if (faults.echo) await this.write(request.frame);
    if (faults.noise_bytes) await this.write(this.noise.bytes(faults.noise_bytes));
    await sleep(this.lineTimeMs(frame.length));
    if (faults.fragment) {
      await this.writeFragments(frame);
    } else {
      await this.write(frame);
    }
  }

  private async writeFragments(frame: Buffer): Promise<void> {
    const cuts = [1, Math.max(2, Math.floor(frame.length / 2)), frame.length];
    let from = 0;
    for (const cut of cuts) {
      await this.write(frame.subarray(from, cut));
      from = cut;
      await sleep(8);
    }
  }

  private write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      port.write(bytes);
      port.drain(() => resolve());
    });
  }

  /** Time the line needs to carry `bytes` characters of 10 or 11 bits. */
  private lineTimeMs(bytes: number): number {
    const bits = (this.options.parity ?? 'none') === 'none' ? 10 : 11;
    return (bytes * bits * 1000) / (this.options.baud_rate ?? 9600);
  }
}

/** Exception code for a request the register map cannot serve, per Modbus Application Protocol v1.1b3 section 7. */
function requestException(request: ParsedRequest): number | undefined {
  const table = TABLES[request.function_code];
  if (!table) return 1;
  if (request.quantity < 1 || request.quantity > MAX_QUANTITY[request.function_code]!) return 3;
  return undefined;
}

function dataReply(request: ParsedRequest, values: ControllerValues): Buffer {
  const image = registerImage(values);
  const table = TABLES[request.function_code]!;
  if (table === 'coil' || table === 'discrete') {
    const bits = image[table];
    const data = Buffer.alloc(Math.ceil(request.quantity / 8));
    for (let i = 0; i < request.quantity; i++) {
      const bit = bits.get(request.start + i);
      if (bit === undefined) return exceptionReply(request, 2);
      if (bit) data[i >> 3]! |= 1 << (i & 7);
    }
    return Buffer.concat([Buffer.from([request.unit_id, request.function_code, data.length]), data]);
  }
  const words = image[table];
  const data = Buffer.alloc(2 * request.quantity);
  for (let i = 0; i < request.quantity; i++) {
    const word = words.get(request.start + i);
    if (word === undefined) return exceptionReply(request, 2);
    data.writeUInt16BE(word, 2 * i);
  }
  return Buffer.concat([Buffer.from([request.unit_id, request.function_code, data.length]), data]);
}

function exceptionReply(request: ParsedRequest, code: number): Buffer {
  return Buffer.from([request.unit_id, request.function_code | 0x80, code]);
}

function flipBit(frame: Buffer, noise: NoiseSource): Buffer {
  const copy = Buffer.from(frame);
  const bit = Math.floor(noise.next() * (copy.length - 2) * 8);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
