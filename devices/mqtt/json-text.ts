/**
 * Parses MQTT payload text as JSON (RFC 8259). Some firmware writes bare non-finite numbers for a failed
 * probe, which is not JSON: `NaN`, `nan`, `-nan` and `nan(ind)` (C printf), `Infinity` and `-Infinity`
 * (JavaScript, Java), `inf` and `+Inf` (C, Go), `1.#INF` and `1.#QNAN` (old MSVC runtimes), `∞` (.NET).
 * Strict parsing rejects such a payload, lenient parsing reads each token as `null` so the other values
 * survive. Tokens inside strings are never touched.
 */
import { isAscii } from 'node:buffer';
import { PayloadError, payloadExcerpt } from './payload-error.js';

/** A parsed payload and how many non-finite tokens lenient parsing replaced by `null`. */
export interface ParsedJson {
  document: unknown;
  replaced_tokens: number;
}

/** A bare non-finite number at the start of the text, case-insensitive, not followed by a name character. */
const NON_FINITE_TOKEN = /^[+-]?(?:nan(?:\([0-9a-z_]*\))?|infinity|inf|1\.#(?:inf|ind|qnan|snan)0*|∞)(?![0-9a-z_.#])/i;
/** Maximum length of a non-finite token that the scanner looks at (`-nan(0x7ff8000000000000)` is 24). */
const NON_FINITE_TOKEN_MAX_CHARS = 40;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Any character that `String.prototype.trim` keeps: the test finds one without copying the text. */
const NOT_WHITESPACE = /\S/;

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
      const token = NON_FINITE_TOKEN.exec(text.slice(i, i + NON_FINITE_TOKEN_MAX_CHARS));
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

/**
 * Decodes a payload as UTF-8 text (a leading byte order mark is dropped). Throws `PayloadError` with
 * `PAYLOAD_EMPTY` for a payload that is empty or only whitespace, and `PAYLOAD_NOT_UTF8` for bytes that
 * are not UTF-8 or contain NUL, which is what UTF-16 text of ASCII characters looks like.
 */
export function decodePayloadText(payload: Buffer): string {
  if (payload.includes(0)) {
    throw new PayloadError(
      'PAYLOAD_NOT_UTF8',
      'payload contains NUL bytes, which text payloads do not hold, so it is likely binary or UTF-16 text; configure the device to send UTF-8 or ASCII',
      payloadExcerpt(payload),
    );
  }
  let text: string;
  try {
    // ASCII is valid UTF-8 without a byte order mark, and Latin-1 maps each of its bytes to the same character
    // without the decoder's checks.
    text = isAscii(payload) ? payload.toString('latin1') : utf8.decode(payload);
  } catch {
    throw new PayloadError(
      'PAYLOAD_NOT_UTF8',
      'payload is not valid UTF-8 text (it may be Latin-1 or UTF-16); configure the device to send UTF-8 or ASCII',
      payloadExcerpt(payload),
    );
  }
  if (!NOT_WHITESPACE.test(text)) {
    // MQTT 3.1.1 section 3.3.1.3: a zero-byte retained publish deletes the retained message, and the
    // broker still delivers it to current subscribers.
    throw new PayloadError(
      'PAYLOAD_EMPTY',
      `payload is empty (${payload.length} bytes), so it carries no reading; an empty publish usually clears a retained message`,
      payloadExcerpt(payload),
    );
  }
  return text;
}

/** Parses a JSON payload. Throws `PayloadError` with code `PAYLOAD_JSON_INVALID` when it is not JSON. */
export function parseJsonPayload(payload: Buffer, lenient: boolean): ParsedJson {
  const text = decodePayloadText(payload);
  // Valid JSON cannot hold a bare non-finite token, so the scan runs only for text JSON.parse rejects.
  try {
    return { document: JSON.parse(text), replaced_tokens: 0 };
  } catch {
    // Scanned below for non-finite tokens.
  }
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
