import { describe, expect, it } from 'vitest';
import { decodePayloadText } from '../../../devices/mqtt/json-text.js';
import { PAYLOAD_EXCERPT_MAX_CHARS, PayloadError, payloadExcerpt } from '../../../devices/mqtt/payload-error.js';

/** C0 controls, DEL, C1 controls, the Unicode line and paragraph separators and the replacement character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the excerpt must not contain.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/u;

function notUtf8Error(payload: Buffer): PayloadError {
  try {
    decodePayloadText(payload);
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error(`decodePayloadText accepted ${payload.toString('hex')}`);
}

describe('payloadExcerpt', () => {
  it('shows invalid UTF-8 as hex', () => {
    const excerpt = payloadExcerpt(Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    expect(excerpt).toBe('hex ff fe 00 41 (4 bytes, not UTF-8)');
    expect(excerpt).not.toMatch(UNPRINTABLE);
  });

  it('escapes NUL and ESC in text', () => {
    const excerpt = payloadExcerpt(Buffer.from('{"t":4.5}\u0000\u001b[31m'));
    expect(excerpt).toBe('{"t":4.5}\\u0000\\u001b[31m');
    expect(excerpt).not.toMatch(UNPRINTABLE);
  });

  it('escapes C1 controls and line separators', () => {
    const excerpt = payloadExcerpt(Buffer.from('a\u0085b\u2028c\u009bd'));
    expect(excerpt).toBe('a\\u0085b\\u2028c\\u009bd');
  });

  it('keeps other text unchanged', () => {
    expect(payloadExcerpt(Buffer.from('21,5 °C ∞ 😀'))).toBe('21,5 °C ∞ 😀');
  });

  it('cuts long hex with the length', () => {
    const excerpt = payloadExcerpt(Buffer.alloc(500, 0xff));
    expect(excerpt).toMatch(/^hex ff ff /);
    expect(excerpt).toMatch(/…\(500 bytes, not UTF-8\)$/);
    expect(excerpt.length).toBeLessThanOrEqual(PAYLOAD_EXCERPT_MAX_CHARS + 30);
  });

  it('cuts text between whole characters', () => {
    const excerpt = payloadExcerpt(Buffer.from(`${'x'.repeat(PAYLOAD_EXCERPT_MAX_CHARS - 1)}😀y`));
    expect(excerpt).not.toMatch(/[\ud800-\udfff]/u);
    expect(excerpt).toMatch(/…\(124 bytes\)$/);
  });

  it('reads text cut inside a character', () => {
    const excerpt = payloadExcerpt(Buffer.from(`é${'€'.repeat(500)}`));
    expect(excerpt.startsWith('é€€')).toBe(true);
    expect(excerpt).not.toMatch(UNPRINTABLE);
  });

  it('keeps a not-UTF-8 message printable', () => {
    const message = notUtf8Error(Buffer.from([0xff, 0xfe, 0x00, 0x41])).message;
    expect(message).toContain('hex ff fe 00 41');
    expect(message).not.toMatch(UNPRINTABLE);
  });

  it('tells an escape from its text', () => {
    const raw = new PayloadError('PAYLOAD_JSON_INVALID', 'bad', payloadExcerpt(Buffer.from('a\u001bb'))).message;
    const literal = new PayloadError('PAYLOAD_JSON_INVALID', 'bad', payloadExcerpt(Buffer.from('a\\u001bb'))).message;
    expect(raw).toBe('bad; payload starts "a\\u001bb"');
    expect(literal).toBe('bad; payload starts "a\\\\u001bb"');
  });

  it('escapes controls in the reason', () => {
    const error = new PayloadError('PAYLOAD_NOT_DECODED', 'uplink from room\u001b[2J has no object', 'x');
    expect(error.message).toBe('uplink from room\\u001b[2J has no object; payload starts "x"');
  });
});
