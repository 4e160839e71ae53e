/**
 * Parses MQTT payload text as JSON (RFC 8259). Some firmware writes bare `NaN`, `nan`, `Infinity` or
 * `-inf` for a failed probe, which is not JSON: strict parsing rejects the payload, lenient parsing
 * reads each such token as `null` so the other values of the payload survive.
 */
import { PayloadError, payloadExcerpt } from './payload-error.js';

/** A parsed payload and how many non-finite tokens lenient parsing replaced by `null`. */
export interface ParsedJson {
  document: unknown;
  replaced_tokens: number;
}

const NON_FINITE_TOKEN = /^[+-]?(?:NaN|nan|NAN|Infinity|infinity|INFINITY|inf|Inf|INF)(?![A-Za-z0-9_])/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Replaces bare non-finite tokens that start a JSON value (after `:`, `,` or `[`) by `null`. */
export function replaceNonFiniteTokens(text: string): { text: string; replaced: number } {
  let output = '';
  let replaced = 0;
  let inString = false;
  let lastSignificant = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (inString) {
      output += char;
      if (char === '\\' && i + 1 < text.length) {
        output += text[i + 1];
        i += 2;
        continue;
      }
      if (char === '"') inString = false;
      i += 1;
      continue;
    }
    if (char === '"') inString = true;
    if (lastSignificant === ':' || lastSignificant === ',' || lastSignificant === '[' || lastSignificant === '') {
      const token = NON_FINITE_TOKEN.exec(text.slice(i, i + 10));
      if (token !== null) {
        output += 'null';
        replaced += 1;
        lastSignificant = 'l';
        i += token[0].length;
        continue;
      }
    }
    if (!/\s/.test(char)) lastSignificant = char;
    output += char;
    i += 1;
  }
  return { text: output, replaced };
}

function decodeUtf8(payload: Buffer): string {
  try {
    return utf8.decode(payload);
  } catch {
    throw new PayloadError('PAYLOAD_NOT_UTF8', 'payload is not valid UTF-8 text', payloadExcerpt(payload));
  }
}

/** Parses a JSON payload. Throws `PayloadError` with code `PAYLOAD_JSON_INVALID` when it is not JSON. */
export function parseJsonPayload(payload: Buffer, lenient: boolean): ParsedJson {
  const text = decodeUtf8(payload);
  const scanned = replaceNonFiniteTokens(text);
  if (scanned.replaced > 0 && !lenient) {
    throw new PayloadError(
      'PAYLOAD_JSON_INVALID',
      `payload is not valid JSON: it contains ${scanned.replaced} bare NaN or Infinity token(s); ` +
        'fix the device firmware or set lenient: true in the mapping to read them as missing values',
      payloadExcerpt(payload),
    );
  }
  try {
    return { document: JSON.parse(scanned.text), replaced_tokens: scanned.replaced };
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : String(error);
    throw new PayloadError('PAYLOAD_JSON_INVALID', `payload is not valid JSON (${detail})`, payloadExcerpt(payload));
  }
}
