/**
 * Encoders from engineering values to 16-bit Modbus register words. Modbus sends each register
 * big-endian (MODBUS Application Protocol Specification V1.1b3, section 4.2). The split of a 32-bit value
 * over two registers is the device's choice, named here by its bytes A B C D (A most significant).
 */

/** Largest int16 a real measurement may use; 0x7FFF itself is kept for the "probe fault" sentinel. */
const INT16_MAX_MEASUREMENT = 0x7ffe;
/** Smallest int16 a real measurement may use; 0x8000 is kept for the "probe disconnected" sentinel. */
const INT16_MIN_MEASUREMENT = -0x7fff;

/** Encodes °C as an int16 word in tenths of a degree (two's complement), clamped off the sentinels. */
export function encodeInt16Tenths(value: number): number {
  const tenths = Math.round(value * 10);
  const clamped = Math.min(INT16_MAX_MEASUREMENT, Math.max(INT16_MIN_MEASUREMENT, tenths));
  return clamped & 0xffff;
}

/** Decodes an int16 tenths word back to its value, for register writes. */
export function decodeInt16Tenths(word: number): number {
  const signed = word & 0x8000 ? (word & 0xffff) - 0x10000 : word & 0xffff;
  return signed / 10;
}

/** Encodes a float32 in word order CDAB: the low word first, each word big-endian. */
export function encodeFloat32Cdab(value: number): [number, number] {
  const buffer = Buffer.alloc(4);
  buffer.writeFloatBE(value);
  return [buffer.readUInt16BE(2), buffer.readUInt16BE(0)];
}

/** Encodes a uint32 in word order ABCD: the high word first. Values outside 0..2^32−1 are clamped. */
export function encodeUint32Abcd(value: number): [number, number] {
  const clamped = Math.min(0xffffffff, Math.max(0, Math.floor(value)));
  return [Math.floor(clamped / 0x10000), clamped % 0x10000];
}
