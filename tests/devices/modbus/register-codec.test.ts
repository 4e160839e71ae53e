import { describe, expect, it } from 'vitest';
import {
  applyScale,
  decodeRegisters,
  orderBytes,
  unpackBits,
  wordsFromBytes,
} from '../../../devices/modbus/register-codec.js';
import type { ByteOrder } from '../../../devices/modbus/register-field.js';

// Expected values below were computed with Python's struct module, independently of this codec.
const M2_WORDS = [0x077a, 0x429b];
const WORDS_64 = [0x077a, 0x429b, 0xffec, 0x0183];

describe('register-codec', () => {
  it('int16 0xFFEC is -20', () => {
    expect(decodeRegisters([0xffec], 'int16')).toBe(-20);
  });

  it('uint16 0xFFEC is 65516', () => {
    expect(decodeRegisters([0xffec], 'uint16')).toBe(65516);
  });

  it('int16 sign extends before scale', () => {
    expect(applyScale(decodeRegisters([0xfff6], 'int16'), 0.01)).toBe(-0.1);
  });

  it('int16 byte order BA swaps bytes', () => {
    expect(decodeRegisters([0xecff], 'int16', 'BADC')).toBe(-20);
    expect(decodeRegisters([0xecff], 'int16', 'DCBA')).toBe(-20);
  });

  it('int16 order CDAB reads AB', () => {
    expect(decodeRegisters([0xffec], 'int16', 'CDAB')).toBe(-20);
  });

  it.each<[ByteOrder, number]>([
    ['CDAB', 77.51460266113281],
    ['ABCD', 1.8827483201218974e-34],
    ['BADC', 1.7602726961237342e35],
    ['DCBA', -1.6086733044837856e-22],
  ])('float32 order %s', (order, expected) => {
    expect(decodeRegisters(M2_WORDS, 'float32', order)).toBe(expected);
  });

  it.each<[ByteOrder, number, number]>([
    ['ABCD', 125452955, 125452955],
    ['CDAB', 1117456250, 1117456250],
    ['BADC', 2047318850, 2047318850],
    ['DCBA', -1690142201, 2604825095],
  ])('int32 and uint32 order %s', (order, signed, unsigned) => {
    expect(decodeRegisters(M2_WORDS, 'int32', order)).toBe(signed);
    expect(decodeRegisters(M2_WORDS, 'uint32', order)).toBe(unsigned);
  });

  it.each<[ByteOrder, bigint, bigint, number]>([
    ['ABCD', 538816343205216643n, 538816343205216643n, 1.2135616632734853e-272],
    ['CDAB', 109212206181844858n, 109212206181844858n, 2.3331239082086273e-301],
    ['BADC', 8793167509210497793n, 8793167509210497793n, 6.695413535075644e279],
    ['DCBA', -9006657197198640633n, 9440086876510910983n, -3.5084249585429846e-294],
  ])('64-bit types order %s', (order, signed, unsigned, float) => {
    expect(decodeRegisters(WORDS_64, 'int64', order)).toBe(signed);
    expect(decodeRegisters(WORDS_64, 'uint64', order)).toBe(unsigned);
    expect(decodeRegisters(WORDS_64, 'float64', order)).toBe(float);
  });

  it('float64 ABCD reads -40.125', () => {
    expect(decodeRegisters([0xc044, 0x1000, 0, 0], 'float64')).toBe(-40.125);
  });

  it('orders bytes of 64-bit word swap', () => {
    expect([...orderBytes([0x0102, 0x0304, 0x0506, 0x0708], 'CDAB')]).toEqual([7, 8, 5, 6, 3, 4, 1, 2]);
  });

  it('scale 0.1 makes 38.7', () => {
    expect(applyScale(decodeRegisters([0x0183], 'int16'), 0.1)).toBe(38.7);
  });

  it('scale 0.01 makes 26.53', () => {
    expect(applyScale(decodeRegisters([0x0a5d], 'int16'), 0.01)).toBe(26.53);
  });

  it.each<[number, number, number, number]>([
    [32767, 0.1, 0, 3276.7],
    [6, 0.1, 0, 0.6],
    [-68, 0.1, 0, -6.8],
    [-32768, 0.1, 0, -3276.8],
    [1, 0.1, 0.2, 0.3],
  ])('scales %d by %d plus %d to %d without binary noise', (raw, scale, offset, expected) => {
    expect(applyScale(raw, scale, offset)).toBe(expected);
  });

  it('offset applies after scale', () => {
    expect(applyScale(-20, 0.5, 100)).toBe(90);
  });

  it('unscaled safe bigint becomes number', () => {
    expect(applyScale(123n)).toBe(123);
  });

  it('unscaled large bigint stays bigint', () => {
    expect(applyScale(9440086876510910983n)).toBe(9440086876510910983n);
  });

  it('scaled bigint becomes number', () => {
    expect(applyScale(1000n, 0.001)).toBe(1);
  });

  it('bool from register bit', () => {
    expect(decodeRegisters([0x0004], 'bool', 'ABCD', 2)).toBe(true);
    expect(decodeRegisters([0x0004], 'bool', 'ABCD', 1)).toBe(false);
    expect(decodeRegisters([0x8000], 'bool', 'ABCD', 15)).toBe(true);
  });

  it('bool bit counts after byte swap', () => {
    expect(decodeRegisters([0x0400], 'bool', 'BADC', 2)).toBe(true);
  });

  it('bool without bit tests nonzero', () => {
    expect(decodeRegisters([0], 'bool')).toBe(false);
    expect(decodeRegisters([0x0100], 'bool')).toBe(true);
  });

  it('rejects short word array', () => {
    expect(() => decodeRegisters([0x077a], 'float32')).toThrow(/needs 2 registers/);
  });

  it('rejects word above 0xFFFF', () => {
    expect(() => decodeRegisters([0x10000], 'uint16')).toThrow(/16-bit/);
  });

  it('unpacks coil bits lowest first', () => {
    const bits = unpackBits(Uint8Array.from([0xcd, 0x6b, 0x05]), 19).map(Number);
    expect(bits).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  });

  it('rejects too few bit bytes', () => {
    expect(() => unpackBits(Uint8Array.from([0xcd]), 9)).toThrow(/need 2 data bytes/);
  });

  it('reads words big-endian', () => {
    expect(wordsFromBytes(Uint8Array.from([0x07, 0x7a, 0x42, 0x9b]))).toEqual([0x077a, 0x429b]);
  });
});
