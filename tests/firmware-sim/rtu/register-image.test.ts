import { describe, expect, it } from 'vitest';
import {
  float32CdabWords,
  int16TenthsWord,
  registerImage,
  uint32AbcdWords,
} from '../../../firmware-sim/rtu/register-image.js';
import { hasValidCrc, sealFrame, simCrc16 } from '../../../firmware-sim/rtu/rtu-crc.js';
import { KNOWN_VALUES } from './known-values.js';

describe('register-image', () => {
  it.each([
    [-2, 0xffec],
    [38.7, 0x0183],
    [-1, 0xfff6],
    [-0.1, 0xffff],
    [0, 0],
    [3276.7, 0x7fff],
  ])('int16 tenths of %d', (value, word) => {
    expect(int16TenthsWord(value)).toBe(word);
  });

  it('int16 tenths out of range', () => {
    expect(() => int16TenthsWord(3276.8)).toThrow(RangeError);
  });

  it('float32 CDAB of 77.5146', () => {
    expect(float32CdabWords(77.51460266113281)).toEqual([0x077a, 0x429b]);
  });

  it('uint32 ABCD', () => {
    expect(uint32AbcdWords(125452955)).toEqual([0x077a, 0x429b]);
  });

  it('uint32 rejects negative', () => {
    expect(() => uint32AbcdWords(-1)).toThrow(RangeError);
  });

  it('places the generic map', () => {
    const image = registerImage(KNOWN_VALUES);
    expect([...image.input.entries()]).toEqual([
      [0, 0xffec],
      [1, 0x0183],
      [2, 0],
      [3, 0x077a],
      [4, 0x429b],
      [5, 0x077a],
      [6, 0x429b],
    ]);
    expect([...image.holding.entries()]).toEqual([
      [100, 0xff4c],
      [101, 20],
    ]);
    expect([...image.coil.values()]).toEqual([true, false, true]);
    expect([...image.discrete.values()]).toEqual([false, true, false, true]);
  });
});

describe('rtu-crc', () => {
  it('crc of a register reply', () => {
    expect(simCrc16(Buffer.from([0x01, 0x03, 0x02, 0xff, 0xec]))).toBe(0x39f8);
  });

  it('seals a request', () => {
    expect([...sealFrame(Buffer.from([1, 3, 0, 0, 0, 2]))]).toEqual([1, 3, 0, 0, 0, 2, 0xc4, 0x0b]);
  });

  it('checks a frame', () => {
    expect(hasValidCrc(Buffer.from([0x01, 0x83, 0x02, 0xc0, 0xf1]))).toBe(true);
    expect(hasValidCrc(Buffer.from([0x01, 0x83, 0x02, 0xc0, 0xf0]))).toBe(false);
  });
});
