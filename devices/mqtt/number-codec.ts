/**
 * Decodes a payload that is one plain value, for format `number`: `21.5`, ` 21.5\n`, or the JSON string
 * `"21.5"`. A bare NaN or Infinity is a dropped field with `lenient`, else the payload is rejected.
 */
import type { DeviceSample } from '../sample.js';
import type { DecodeContext } from './document-reader.js';
import { emptySample } from './document-reader.js';
import { coerceField } from './field-coercion.js';
import { decodePayloadText, replaceNonFiniteTokens } from './json-text.js';
import { PayloadError, payloadExcerpt } from './payload-error.js';
import type { CompiledField, CompiledMapping } from './payload-mapping.js';

/** Removes the quotes of a payload that is one JSON string, so `"21.5"` reads like `21.5`. */
function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

/** Decodes a format `number` payload into one sample. Throws `PayloadError` when it is not one plain value. */
export function decodeNumber(
  device_id: string,
  payload: Buffer,
  compiled: CompiledMapping,
  context: DecodeContext,
): DeviceSample[] {
  const lenient = compiled.source.lenient === true;
  const field = compiled.fields[0] as CompiledField;
  const text = decodePayloadText(payload).trim();
  const sample = emptySample(device_id, context);

  // Only a bare token counts as non-finite: the JSON string "NaN" stays a string and fails below.
  const nonFinite = replaceNonFiniteTokens(text);
  if (nonFinite.replaced === 1 && nonFinite.text === 'null') {
    if (!lenient) {
      throw new PayloadError(
        'PAYLOAD_NOT_NUMBER',
        `payload ${text} is NaN or Infinity, not a reading; set lenient: true to count it as a dropped field instead`,
        payloadExcerpt(payload),
      );
    }
    const coerced = coerceField(field.spec, null, lenient);
    if (!coerced.ok) sample.errors.push(coerced.error);
    return [sample];
  }

  const coerced = coerceField(field.spec, unquote(text), lenient);
  if (!coerced.ok) {
    throw new PayloadError(
      'PAYLOAD_NOT_NUMBER',
      `payload is not a plain ${field.spec.type} value such as ${field.spec.type === 'boolean' ? 'true' : '21.5'}; ` +
        'use format json for a JSON document',
      payloadExcerpt(payload),
    );
  }
  sample.fields.push(coerced.field);
  return [sample];
}
