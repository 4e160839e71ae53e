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
  | 'PAYLOAD_NOT_OBJECT'
  | 'PAYLOAD_MAPPING_INVALID';

/**
 * Characters shown as `\uXXXX` escapes: C0 controls, DEL, C1 controls, the line and paragraph separators
 * and the byte order mark. Terminals act on them or break lines at them, and most are invisible. The
 * backslash that starts an escape is matched too, and doubled.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the ones to escape.
const ESCAPED = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g;

/**
 * Escapes the characters of `text` that a log line must not carry raw, each as `\uXXXX`. A backslash
 * becomes `\\`, so that an escape made here differs from the same six characters in the text.
 */
export function printableText(text: string): string {
  return text.replace(ESCAPED, (char) =>
    char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Returns the start of a payload as printable text of at most about `max_chars` characters, so that no
 * log line carries control bytes or invalid UTF-8. UTF-8 text is shown with `printableText` escapes and
 * `…(N bytes)` appended when it was cut. A payload whose start is not valid UTF-8 is shown as hex bytes,
 * such as `hex ff fe 00 41 (4 bytes, not UTF-8)`.
 */
export function payloadExcerpt(payload: Buffer, max_chars = PAYLOAD_EXCERPT_MAX_CHARS): string {
  const head = payload.subarray(0, max_chars * 4);
  let text: string;
  try {
    // A new decoder per call, because `stream: true` keeps a character cut at the end of `head` for the
    // next call instead of rejecting it. `ignoreBOM` keeps a byte order mark so that the excerpt shows it.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(head, { stream: true });
  } catch {
    return hexExcerpt(payload, max_chars);
  }
  let printable = '';
  let cut = payload.length > head.length;
  for (const char of text) {
    const piece = printableText(char);
    if (printable.length + piece.length > max_chars) {
      cut = true;
      break;
    }
    printable += piece;
  }
  return cut ? `${printable}…(${payload.length} bytes)` : printable;
}

/** Shows the first bytes of a payload that is not UTF-8 as hex, about `max_chars` characters of them. */
function hexExcerpt(payload: Buffer, max_chars: number): string {
  const shownBytes = payload.subarray(0, Math.max(1, Math.floor(max_chars / 3)));
  const hex = [...shownBytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const more = payload.length > shownBytes.length ? '…' : ' ';
  return `hex ${hex}${more}(${payload.length} bytes, not UTF-8)`;
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
    // The reason can quote a device name taken from the payload, so it is escaped. The excerpt comes
    // escaped from `payloadExcerpt` and is quoted unchanged.
    super(`${printableText(reason)}; payload starts "${excerpt}"`);
    this.name = 'PayloadError';
  }
}
