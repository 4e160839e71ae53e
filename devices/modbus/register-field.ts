import type { FieldSpec } from '../sample.js';
import { wordCount } from './register-codec.js';

/** Modbus data table a field lives in; each maps to one read function code. */
export type RegisterTable = 'holding' | 'input' | 'coil' | 'discrete';

/** Wire encoding of a field's value. */
export type RegisterType =
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'float32'
  | 'int64'
  | 'uint64'
  | 'float64'
  | 'bool';

/**
 * Byte and word order of a multi-register value. Letters name the bytes in wire order (r0 = A B, r1 = C D)
 * and the string lists them from most to least significant. ABCD is big-endian, CDAB swaps the words,
 * BADC swaps the bytes inside each word and DCBA is little-endian. For 64-bit types the same rule covers
 * four registers: CDAB means GHEFCDAB, BADC means BADCFEHG and DCBA means HGFEDCBA. For 16-bit types
 * only the byte swap applies, so ABCD and CDAB read AB, and BADC and DCBA read BA.
 */
export type ByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

/** One field read from a Modbus device. */
export interface RegisterField extends FieldSpec {
  /** Data table to read from. */
  table: RegisterTable;
  /** Zero-based protocol address of the first register or bit (register 40101 is holding address 100). */
  address: number;
  /** Wire encoding. Coils and discrete inputs are always `bool`. */
  data_type: RegisterType;
  /** Byte and word order of register values. Default `ABCD`. */
  order?: ByteOrder;
  /** Bit of a register for a `bool` read from a holding or input register, 0 = least significant. Default: value != 0. */
  bit?: number;
}

/** Function codes of the read requests, per Modbus Application Protocol Specification v1.1b3 section 6. */
export const READ_FUNCTION_CODES: Record<RegisterTable, number> = {
  coil: 1,
  discrete: 2,
  holding: 3,
  input: 4,
};

/** Number of 16-bit registers (or bits, for coils and discrete inputs) a field occupies. */
export function registerCount(field: Pick<RegisterField, 'table' | 'data_type'>): number {
  return isBitTable(field.table) ? 1 : wordCount(field.data_type);
}

/** True for tables read as bits (function codes 1 and 2). */
export function isBitTable(table: RegisterTable): boolean {
  return table === 'coil' || table === 'discrete';
}
