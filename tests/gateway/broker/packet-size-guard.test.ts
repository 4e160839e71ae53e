import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BrokerRejection } from '../../../gateway/broker/broker-rejection.js';
import {
  guardedHandler,
  guardPacketSize,
  MAX_PUBLISH_OVERHEAD_BYTES,
  maxPacketBytes,
  PacketHeaderScanner,
} from '../../../gateway/broker/packet-size-guard.js';
import { remainingLength } from './raw-mqtt-client.js';

/**
 * A packet of type PUBLISH with `bodyLength` body bytes of 0xff. A scanner that loses its place and reads
 * body bytes as a header finds a malformed remaining length.
 */
function packet(bodyLength: number): Buffer {
  const header = [0x30, ...remainingLength(bodyLength)];
  const bytes = Buffer.alloc(header.length + bodyLength, 0xff);
  bytes.set(header, 0);
  return bytes;
}

function header(announced: number): Buffer {
  return Buffer.from([0x30, ...remainingLength(announced)]);
}

/** Scans `chunks` in order and returns the result of the last scan. */
function scanAll(scanner: PacketHeaderScanner, chunks: Buffer[]): boolean {
  let passed = true;
  for (const chunk of chunks) passed = scanner.scan(chunk);
  return passed;
}

describe('maxPacketBytes', () => {
  it('adds the largest publish overhead', () => {
    expect(MAX_PUBLISH_OVERHEAD_BYTES).toBe(65_539);
    expect(maxPacketBytes(262_144)).toBe(262_144 + 65_539);
  });
});

describe('PacketHeaderScanner', () => {
  const boundaries: Array<[number, number]> = [
    [1, 127],
    [2, 16_383],
    [3, 2_097_151],
    [4, 268_435_454],
  ];

  it.each(boundaries)('passes a %i-byte length exactly at the limit', (size, limit) => {
    const bytes = header(limit);
    expect(bytes.length).toBe(1 + size);
    const scanner = new PacketHeaderScanner(limit);
    expect(scanner.scan(bytes)).toBe(true);
    expect(scanner.violation).toBeUndefined();
  });

  it.each(boundaries)('rejects a %i-byte length one byte over', (size, limit) => {
    const bytes = header(limit - 1);
    expect(bytes.length).toBe(1 + size);
    const scanner = new PacketHeaderScanner(limit - 2);
    expect(scanner.scan(bytes)).toBe(false);
    expect(scanner.violation).toBe('packet_too_large');
    expect(scanner.announced_bytes).toBe(limit - 1);
  });

  it('reads the largest 4-byte length', () => {
    const scanner = new PacketHeaderScanner(268_435_454);
    expect(scanner.scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toBe(false);
    expect(scanner.announced_bytes).toBe(268_435_455);
  });

  it('passes a length of zero', () => {
    const pings = Buffer.from([0xc0, 0x00, 0xc0, 0x00, 0xd0, 0x00]);
    expect(new PacketHeaderScanner(0).scan(pings)).toBe(true);
  });

  it('rejects a 5-byte length as malformed', () => {
    const scanner = new PacketHeaderScanner(268_435_455);
    expect(scanner.scan(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false);
    expect(scanner.violation).toBe('malformed_packet');
  });

  it('rejects a 5-byte length split across chunks', () => {
    const scanner = new PacketHeaderScanner(268_435_455);
    expect(scanner.scan(Buffer.from([0x30, 0xff, 0xff]))).toBe(true);
    expect(scanner.scan(Buffer.from([0xff]))).toBe(true);
    expect(scanner.scan(Buffer.from([0xff]))).toBe(false);
    expect(scanner.violation).toBe('malformed_packet');
  });

  it('stays failed after a violation', () => {
    const scanner = new PacketHeaderScanner(10);
    expect(scanner.scan(header(11))).toBe(false);
    expect(scanner.scan(packet(1))).toBe(false);
    expect(scanner.violation).toBe('packet_too_large');
  });

  describe('across chunks', () => {
    const limit = 1000;
    // Lengths of 0 to 2 bytes, then a 3-byte length over the limit.
    const valid = Buffer.concat([packet(0), packet(5), packet(127), packet(128), packet(300), packet(1000)]);
    const stream = Buffer.concat([valid, header(20_000)]);

    it('finds the header after a split at every byte', () => {
      for (let split = 0; split <= stream.length; split++) {
        const scanner = new PacketHeaderScanner(limit);
        expect(scanner.scan(stream.subarray(0, split)), `split at ${split}`).toBe(split < stream.length);
        expect(scanner.scan(stream.subarray(split)), `split at ${split}`).toBe(false);
        expect(scanner.announced_bytes, `split at ${split}`).toBe(20_000);
      }
    });

    it('finds a 4-byte header split at every byte', () => {
      const fourByte = Buffer.concat([packet(300), header(268_435_455)]);
      for (let split = 0; split <= fourByte.length; split++) {
        const scanner = new PacketHeaderScanner(2_097_152);
        scanner.scan(fourByte.subarray(0, split));
        expect(scanner.scan(fourByte.subarray(split)), `split at ${split}`).toBe(false);
        expect(scanner.announced_bytes, `split at ${split}`).toBe(268_435_455);
      }
    });

    it('passes valid packets split at every byte', () => {
      for (let split = 0; split <= valid.length; split++) {
        const scanner = new PacketHeaderScanner(limit);
        expect(scanAll(scanner, [valid.subarray(0, split), valid.subarray(split)]), `split at ${split}`).toBe(true);
        expect(scanner.violation, `split at ${split}`).toBeUndefined();
      }
    });

    it('finds the header in one-byte chunks', () => {
      const scanner = new PacketHeaderScanner(limit);
      const chunks = Array.from(stream, (byte) => Buffer.from([byte]));
      expect(scanAll(scanner, chunks.slice(0, valid.length + 3))).toBe(true);
      expect(scanner.scan(chunks[valid.length + 3]!)).toBe(false);
      expect(scanner.announced_bytes).toBe(20_000);
    });

    it('skips a body that spans chunks', () => {
      const scanner = new PacketHeaderScanner(100_000);
      const body = Buffer.concat([packet(50_000), packet(10), header(100_001)]);
      const chunks: Buffer[] = [];
      for (let start = 0; start < body.length; start += 999) chunks.push(body.subarray(start, start + 999));
      expect(scanAll(scanner, chunks.slice(0, -1))).toBe(true);
      expect(scanner.scan(chunks.at(-1)!)).toBe(false);
      expect(scanner.announced_bytes).toBe(100_001);
    });
  });

  describe('many packets in one chunk', () => {
    const packets = Array.from({ length: 650 }, (_, index) => packet(90 + (index % 20)));

    it('passes them all', () => {
      const scanner = new PacketHeaderScanner(200);
      expect(scanner.scan(Buffer.concat(packets))).toBe(true);
      expect(scanner.violation).toBeUndefined();
    });

    it('finds one oversized header among them', () => {
      const scanner = new PacketHeaderScanner(200);
      const chunk = Buffer.concat([...packets.slice(0, 300), header(201), ...packets.slice(300)]);
      expect(scanner.scan(chunk)).toBe(false);
      expect(scanner.announced_bytes).toBe(201);
    });
  });
});

describe('guardPacketSize', () => {
  /** Creates a stream that a listener reads as aedes 1.2.0 reads a connection: `read()` on every 'readable'. */
  function pausedReader() {
    const stream = new PassThrough();
    const received: Buffer[] = [];
    stream.on('readable', () => {
      for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) received.push(chunk);
    });
    return { stream, received };
  }

  function guard(stream: PassThrough) {
    const rejections: BrokerRejection[] = [];
    guardPacketSize(stream, { max_payload_bytes: 10, listener: 'tcp', reject: (each) => rejections.push(each) });
    return rejections;
  }

  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const oversized = header(10 + MAX_PUBLISH_OVERHEAD_BYTES + 1);

  it('passes valid packets to the reader', async () => {
    const { stream, received } = pausedReader();
    guard(stream);
    stream.write(packet(20));
    await tick();
    stream.write(packet(0));
    await tick();
    expect(Buffer.concat(received)).toEqual(Buffer.concat([packet(20), packet(0)]));
  });

  it('leaves the stream in paused mode', async () => {
    const { stream } = pausedReader();
    guard(stream);
    stream.write(packet(20));
    await tick();
    expect(stream.readableFlowing).toBe(false);
    expect(stream.listenerCount('data')).toBe(0);
  });

  it('keeps the stream paused after the reader leaves', async () => {
    const { stream } = pausedReader();
    guard(stream);
    stream.removeAllListeners('readable');
    await tick();
    expect(stream.readableFlowing).not.toBe(true);
  });

  it('destroys the stream at an oversized header', async () => {
    const { stream } = pausedReader();
    const rejections = guard(stream);
    stream.write(Buffer.concat([packet(5), oversized]));
    await tick();
    expect(stream.destroyed).toBe(true);
    expect(rejections).toHaveLength(1);
  });

  it('withholds the read with the header', async () => {
    const { stream, received } = pausedReader();
    guard(stream);
    stream.write(packet(5));
    await tick();
    stream.write(Buffer.concat([packet(5), oversized]));
    await tick();
    expect(received).toEqual([packet(5)]);
  });

  it('names size, limit and fix', async () => {
    const { stream } = pausedReader();
    const rejections = guard(stream);
    stream.write(header(200_000_000));
    await tick();
    expect(rejections[0]).toEqual({
      reason: 'packet_too_large',
      listener: 'tcp',
      remote_address: undefined,
      detail:
        'packet of 200000000 bytes announced, limit 65549 (max_payload_bytes 10 plus 65539 for topic and packet id); ' +
        'raise mqtt.broker.max_payload_bytes or send smaller messages',
    });
  });

  it('reports a malformed length', async () => {
    const { stream } = pausedReader();
    const rejections = guard(stream);
    stream.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]));
    await tick();
    expect(stream.destroyed).toBe(true);
    expect(rejections[0]?.reason).toBe('malformed_packet');
  });

  it('rejects a stream with an encoding', () => {
    const stream = new PassThrough();
    stream.setEncoding('utf8');
    expect(() => guard(stream)).toThrow(/reads bytes, but the socket decodes utf8/);
  });
});

describe('guardedHandler', () => {
  it('returns the handler without a limit', () => {
    const handle = (_stream: PassThrough) => undefined;
    expect(guardedHandler(handle, { max_payload_bytes: undefined, listener: 'tls', reject: () => {} })).toBe(handle);
  });

  it('guards after the handler', async () => {
    const stream = new PassThrough();
    const client = { id: null as string | null };
    const handle = (each: PassThrough) => {
      each.on('readable', () => each.read());
      return client;
    };
    const rejections: BrokerRejection[] = [];
    const handler = guardedHandler(handle, {
      max_payload_bytes: 64,
      listener: 'tls',
      reject: (each) => rejections.push(each),
    });
    expect(handler(stream)).toBe(client);
    client.id = 'room-1';
    stream.write(header(200_000));
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejections[0]).toMatchObject({ reason: 'packet_too_large', listener: 'tls', client_id: 'room-1' });
  });
});
