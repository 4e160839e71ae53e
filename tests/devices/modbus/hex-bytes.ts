/** Parses space-separated hex bytes such as `01 03 02 FF EC F8 39`. */
export function hexBytes(text: string): Buffer {
  return Buffer.from(text.split(' ').map((byte) => Number.parseInt(byte, 16)));
}
