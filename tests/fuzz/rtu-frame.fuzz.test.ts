import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyScale, decodeRegisters, unpackBits, wordsFromBytes } from '../../devices/modbus/register-codec.js';
import type { ByteOrder, RegisterType } from '../../devices/modbus/register-field.js';
import { appendCrc, parseRtuReply } from '../../devices/modbus/rtu-frame.js';
import { expectTypedOutcome, fuzzParameters } from './fuzz-harness.js';

const TYPES: RegisterType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'int64', 'uint64', 'float64', 'bool'];
const ORDERS: ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];

/** Frames with a valid CRC, so the parser gets past the checksum to the length and function checks. */
const crcValidFrame = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 260 }))
  .map(([unit, code, rest]) => appendCrc(new Uint8Array([unit, code, ...rest])));

/** Well-formed read replies whose byte count matches, with random function codes and data. */
const consistentReply = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 4 }), fc.uint8Array({ maxLength: 252 }))
  .map(([unit, code, data]) => appendCrc(new Uint8Array([unit, code, data.length, ...data])));

describe('fuzz parseRtuReply', () => {
  it('handles random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (frame) => {
        expectTypedOutcome(() => parseRtuReply(frame));
      }),
      fuzzParameters(),
    );
  });

  it('handles frames with valid crc', () => {
    fc.assert(
      fc.property(crcValidFrame, (frame) => {
        const reply = expectTypedOutcome(() => parseRtuReply(frame));
        // The data returned is never larger than the frame it came from.
        if (reply?.kind === 'data') expect(reply.data.length).toBeLessThanOrEqual(frame.length - 5);
      }),
      fuzzParameters(),
    );
  });

  it('returns the data of consistent replies', () => {
    fc.assert(
      fc.property(consistentReply, (frame) => {
        const reply = parseRtuReply(frame);
        if (reply.kind !== 'data') throw new Error(`expected a data reply, got ${reply.kind}`);
        expect(reply.data.length).toBe(frame[2]);
      }),
      fuzzParameters(),
    );
  });
});

describe('fuzz register codec', () => {
  it('decodes any words in any type and order', () => {
    const words = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 5 });
    const bit = fc.option(fc.integer({ min: -2, max: 20 }), { nil: undefined });
    fc.assert(
      fc.property(words, fc.constantFrom(...TYPES), fc.constantFrom(...ORDERS), bit, (input, type, order, at) => {
        const value = expectTypedOutcome(() => decodeRegisters(input, type, order, at));
        if (value !== undefined) expectTypedOutcome(() => applyScale(value, 0.1, -40));
      }),
      fuzzParameters(),
    );
  });

  it('unpacks bits for any quantity', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), fc.integer({ min: -8, max: 4000 }), (data, quantity) => {
        const bits = expectTypedOutcome(() => unpackBits(data, quantity));
        if (bits !== undefined) expect(bits.length).toBeLessThanOrEqual(data.length * 8);
      }),
      fuzzParameters(),
    );
  });

  it('reads words from any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (data) => {
        expect(wordsFromBytes(data).length).toBe(data.length >> 1);
      }),
      fuzzParameters(),
    );
  });
});
