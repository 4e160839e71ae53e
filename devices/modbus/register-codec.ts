/**
 * Decoding of Modbus register words and bit replies. Each register travels big-endian on the wire (Modbus
 * Application Protocol Specification v1.1b3 section 4.2), but the order of the registers of a wider value is
 * vendor-specific. Every order is placed byte by byte into a DataView and read big-endian, so the result
 * does not depend on the host's endianness.
 */
import { tidy } from '../tidy.js';
import { ModbusConfigError, ModbusFrameError } from './errors.js';
import type { ByteOrder, RegisterType } from './register-field.js';

/** Value of one register field before scale and offset. */
export type RegisterValue = number | bigint | boolean;

const WORD_COUNTS: Record<RegisterType, number> = {
  int16: 1,
  uint16: 1,
  bool: 1,
  int32: 2,
  uint32: 2,
  float32: 2,
  int64: 4,
  uint64: 4,
  float64: 4,
};

/** Number of 16-bit registers a value of this type occupies. */
export function wordCount(type: RegisterType): number {
  return WORD_COUNTS[type];
}

/**
 * Places register words into bytes from most to least significant for the given order. CDAB and DCBA
 * reverse the words, BADC and DCBA swap the two bytes inside each word.
 */
export function orderBytes(words: readonly number[], order: ByteOrder): Uint8Array {
  const swapWords = order === 'CDAB' || order === 'DCBA';
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const bytes = new Uint8Array(words.length * 2);
  for (let i = 0; i < words.length; i++) {
    const word = words[swapWords ? words.length - 1 - i : i]!;
    if (!Number.isInteger(word) || word < 0 || word > 0xffff) {
      throw new ModbusConfigError(`register word ${word} is not a 16-bit unsigned integer (0..65535)`);
    }
    const high = word >> 8;
    const low = word & 0xff;
    bytes[2 * i] = swapBytes ? low : high;
    bytes[2 * i + 1] = swapBytes ? high : low;
  }
  return bytes;
}

/**
 * Decodes the first `wordCount(type)` words as `type` in `order` (default ABCD). Signed types are sign
 * extended here, before any scale. 64-bit integers return a bigint. A `bool` is true when the register is
 * not zero, or when `bit` (0 = least significant, counted after the byte order is applied) is set.
 */
export function decodeRegisters(
  words: readonly number[],
  type: RegisterType,
  order: ByteOrder = 'ABCD',
  bit?: number,
): RegisterValue {
  const count = wordCount(type);
  if (words.length < count) {
    throw new ModbusConfigError(`${type} needs ${count} registers but ${words.length} were given`);
  }
  const view = new DataView(orderBytes(words.slice(0, count), order).buffer);
  switch (type) {
    case 'int16':
      return view.getInt16(0);
    case 'uint16':
      return view.getUint16(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint32':
      return view.getUint32(0);
    case 'float32':
      return view.getFloat32(0);
    case 'int64':
      return view.getBigInt64(0);
    case 'uint64':
      return view.getBigUint64(0);
    case 'float64':
      return view.getFloat64(0);
    case 'bool':
      return decodeRegisterBit(view.getUint16(0), bit);
  }
}

function decodeRegisterBit(word: number, bit: number | undefined): boolean {
  if (bit === undefined) return word !== 0;
  if (!Number.isInteger(bit) || bit < 0 || bit > 15) {
    throw new ModbusConfigError(`register bit ${bit} is out of range: use 0 (least significant) to 15`);
  }
  return ((word >> bit) & 1) === 1;
}

/**
 * Applies `value * scale + offset`. A scaled or offset value is a float rounded by `tidy` to twelve
 * significant digits, the rounding the pipeline stores, so 32767 × 0.1 is 3276.7 in readings, faults and
 * command output alike. An unscaled value is returned as decoded. An unscaled bigint becomes a number when
 * it lies within ±Number.MAX_SAFE_INTEGER and stays a bigint beyond, so no digit is lost. Scaling a bigint
 * beyond that range rounds it to the nearest float64 first (53-bit mantissa, relative error up to 2^-53).
 */
export function applyScale(value: RegisterValue, scale = 1, offset = 0): RegisterValue {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    const safe = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER);
    if (scale === 1 && offset === 0) return safe ? Number(value) : value;
    return tidy(Number(value) * scale + offset);
  }
  if (scale === 1 && offset === 0) return value;
  return tidy(value * scale + offset);
}

/**
 * Unpacks the data bytes of a function code 1 or 2 reply into `quantity` booleans. The lowest bit of the
 * first byte is the first coil requested, and the high bits of the last byte are padding (Modbus
 * Application Protocol Specification v1.1b3 section 6.1).
 */
export function unpackBits(data: Uint8Array, quantity: number): boolean[] {
  const needed = Math.ceil(quantity / 8);
  if (data.length < needed) {
    throw new ModbusFrameError(`${quantity} bits need ${needed} data bytes but the reply has ${data.length}`);
  }
  const bits: boolean[] = [];
  for (let i = 0; i < quantity; i++) {
    bits.push(((data[i >> 3]! >> (i & 7)) & 1) === 1);
  }
  return bits;
}

/** Reads big-endian 16-bit register words from the data bytes of a function code 3 or 4 reply. */
export function wordsFromBytes(data: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) {
    words.push((data[i]! << 8) | data[i + 1]!);
  }
  return words;
}
