/** Errors that reject a whole MQTT payload, and the bounded excerpt they carry. */

/** Maximum length of the payload excerpt kept in an error, in characters. */
export const PAYLOAD_EXCERPT_MAX_CHARS = 120;

/** Stable codes of `PayloadError`. */
export type PayloadErrorCode =
  | 'PAYLOAD_EMPTY'
  | 'PAYLOAD_JSON_INVALID'
  | 'PAYLOAD_NOT_UTF8'
  | 'PAYLOAD_NOT_UPLINK'
  | 'PAYLOAD_NOT_DECODED'
  | 'PAYLOAD_DEVICE_ID_MISSING'
  | 'PAYLOAD_DEVICE_ID_INVALID'
  | 'PAYLOAD_NOT_NUMBER'
  | 'PAYLOAD_SPLIT_NOT_ARRAY'
  | 'PAYLOAD_MAPPING_INVALID';

/**
 * Returns the start of a payload as printable text, at most `max_chars` characters, with control
 * characters shown as `\uXXXX` and `…(N bytes)` appended when it was cut.
 */
export function payloadExcerpt(payload: Buffer, max_chars = PAYLOAD_EXCERPT_MAX_CHARS): string {
  const text = payload.subarray(0, max_chars * 4).toString('utf8');
  let printable = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    printable += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  if (printable.length <= max_chars && payload.length <= max_chars * 4) return printable;
  return `${printable.slice(0, max_chars)}…(${payload.length} bytes)`;
}

/** A payload that cannot be decoded at all, so no sample comes out of it. */
export class PayloadError extends Error {
  constructor(
    readonly code: PayloadErrorCode,
    /** Reason the payload was rejected, without the topic because the caller adds it. */
    readonly reason: string,
    /** Start of the payload, at most `PAYLOAD_EXCERPT_MAX_CHARS` characters. */
    readonly excerpt: string,
    /** Device id read from the payload when the format carries one (a LoRaWAN DevEUI), else undefined. */
    readonly device_id?: string,
  ) {
    super(`${reason}; payload starts ${JSON.stringify(excerpt)}`);
    this.name = 'PayloadError';
  }
}
