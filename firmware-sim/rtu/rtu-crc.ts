/**
 * CRC-16/MODBUS for the simulator, table driven (Modbus over Serial Line v1.02 section 6.2.2). The
 * simulator keeps its own implementation so that a bug in the gateway's CRC cannot hide on both sides.
 */

const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let index = 0; index < 256; index++) {
    let value = index;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ 0xa001 : value >>> 1;
    table[index] = value;
  }
  return table;
}

/** CRC-16/MODBUS of `bytes`: initial value 0xFFFF, reflected polynomial 0xA001. */
export function simCrc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) crc = (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff]!;
  return crc;
}

/** Returns `body` followed by its CRC, low byte first. */
export function sealFrame(body: Buffer): Buffer {
  const crc = simCrc16(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >>> 8])]);
}

/** True when the last two bytes of `frame` are the CRC of the rest. */
export function hasValidCrc(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const crc = simCrc16(frame.subarray(0, frame.length - 2));
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}
