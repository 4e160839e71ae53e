/**
 * Modbus RTU frames: unit id, PDU, then CRC-16/MODBUS sent low byte first (Modbus over Serial Line
 * Specification and Implementation Guide v1.02 section 2.5.1.2 and appendix B). Only the read function
 * codes 1 to 4 are parsed.
 */
import { ModbusFrameError } from './errors.js';

/** CRC-16/MODBUS: reflected polynomial 0xA001, initial value 0xFFFF. */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
  }
  return crc;
}

/** Appends the CRC of `body`, low byte first. */
export function appendCrc(body: Uint8Array): Uint8Array {
  const crc = crc16Modbus(body);
  const frame = new Uint8Array(body.length + 2);
  frame.set(body);
  frame[body.length] = crc & 0xff;
  frame[body.length + 1] = crc >> 8;
  return frame;
}

/** Builds the RTU frame of a read request (function codes 1 to 4). */
export function buildReadRequest(unitId: number, functionCode: number, start: number, quantity: number): Uint8Array {
  const body = new Uint8Array([unitId, functionCode, start >> 8, start & 0xff, quantity >> 8, quantity & 0xff]);
  return appendCrc(body);
}

/** A parsed reply: register or bit data, or an exception response. */
export type RtuReply =
  | { kind: 'data'; unit_id: number; function_code: number; data: Uint8Array }
  | { kind: 'exception'; unit_id: number; function_code: number; exception_code: number };

/**
 * Parses a complete RTU reply to a read request. An exception reply has the function code with bit 7 set
 * (0x83 is the exception to function code 3) and one exception code byte (Modbus Application Protocol Specification
 * v1.1b3 section 7). Throws `ModbusFrameError` on a bad CRC, a length that disagrees with the byte count,
 * or a function code other than 1 to 4.
 */
export function parseRtuReply(frame: Uint8Array): RtuReply {
  if (frame.length < 5) {
    throw new ModbusFrameError(`RTU reply of ${frame.length} bytes is too short, a reply has at least 5 bytes`);
  }
  const expectedCrc = crc16Modbus(frame.subarray(0, frame.length - 2));
  const receivedCrc = frame[frame.length - 2]! | (frame[frame.length - 1]! << 8);
  if (expectedCrc !== receivedCrc) {
    throw new ModbusFrameError(
      `RTU reply CRC 0x${hex16(receivedCrc)} does not match the computed 0x${hex16(expectedCrc)}, discard the frame`,
    );
  }
  const unitId = frame[0]!;
  const code = frame[1]!;
  if (code & 0x80) {
    if (frame.length !== 5) {
      throw new ModbusFrameError(`RTU exception reply has ${frame.length} bytes, expected 5`);
    }
    return { kind: 'exception', unit_id: unitId, function_code: code & 0x7f, exception_code: frame[2]! };
  }
  if (code < 1 || code > 4) {
    throw new ModbusFrameError(`RTU reply function code ${code} is not a read (1 to 4)`);
  }
  const byteCount = frame[2]!;
  if (frame.length !== byteCount + 5) {
    throw new ModbusFrameError(
      `RTU reply byte count ${byteCount} needs a ${byteCount + 5}-byte frame, got ${frame.length}`,
    );
  }
  return { kind: 'data', unit_id: unitId, function_code: code, data: frame.slice(3, 3 + byteCount) };
}

function hex16(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}
