import { describe, expect, it } from 'vitest';
import {
  decodeInt16Tenths,
  encodeFloat32Cdab,
  encodeInt16Tenths,
  encodeUint32Abcd,
} from '../../firmware-sim/modbus-words.js';

describe('modbus-words', () => {
  it('encodes negative tenths in two complement', () => {
    expect(encodeInt16Tenths(-2)).toBe(0xffec);
    expect(encodeInt16Tenths(-0.1)).toBe(0xffff);
    expect(encodeInt16Tenths(-18.2)).toBe(0xff4a);
  });

  it('encodes positive tenths', () => {
    expect(encodeInt16Tenths(38.7)).toBe(0x0183);
    expect(encodeInt16Tenths(0)).toBe(0);
  });

  it('keeps measurements off the sentinels', () => {
    expect(encodeInt16Tenths(5000)).toBe(0x7ffe);
    expect(encodeInt16Tenths(-5000)).toBe(0x8001);
  });

  it('decodes tenths back', () => {
    expect(decodeInt16Tenths(0xff4c)).toBe(-18);
    expect(decodeInt16Tenths(0x0014)).toBe(2);
  });

  it('encodes float32 in CDAB word order', () => {
    expect(encodeFloat32Cdab(77.51460266113281)).toEqual([0x077a, 0x429b]);
    expect(encodeFloat32Cdab(0)).toEqual([0, 0]);
  });

  it('encodes uint32 in ABCD word order', () => {
    expect(encodeUint32Abcd(0x0001_86a0)).toEqual([0x0001, 0x86a0]);
    expect(encodeUint32Abcd(65535.9)).toEqual([0, 0xffff]);
    expect(encodeUint32Abcd(-5)).toEqual([0, 0]);
  });
});
