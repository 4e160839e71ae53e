/** Parses space-separated hex bytes such as `01 03 02 FF EC F8 39`. */
export function hexBytes(text: string): Buffer {
  return Buffer.from(text.split(' ').map((byte) => Number.parseInt(byte, 16)));
}

/**
 * Appends CRC-16/MODBUS, low byte first. It is computed here bit by bit rather than with the driver's
 * function, so a test reply does not depend on the code under test.
 */
export function withCrc(body: Buffer): Buffer {
  let crc = 0xffff;
  for (const byte of body) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}
