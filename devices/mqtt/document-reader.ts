/**
 * Reads the mapped values out of a parsed JSON document: timestamp, sequence number, root fields and
 * split elements. A value that is missing or unreadable becomes a `FieldError` on the sample.
 */
import type { DeviceSample, FieldError, RawField } from '../sample.js';
import { coerceField } from './field-coercion.js';
import type { CompiledJsonPath } from './json-path.js';
import { PayloadError, payloadExcerpt } from './payload-error.js';
import type { CompiledField, CompiledMapping } from './payload-mapping.js';
import { parseSourceTime } from './source-time.js';

/** When and how the message arrived. */
export interface DecodeContext {
  /** Time the gateway received the message, integer milliseconds since the epoch. */
  receive_time_ms: number;
  /** True when the broker delivered the message with the retain flag set. */
  retained: boolean;
}

/** Fields and errors read from one JSON object. */
interface FieldSet {
  fields: RawField[];
  errors: FieldError[];
}

export function emptySample(device_id: string, context: DecodeContext): DeviceSample {
  return { device_id, receive_time_ms: context.receive_time_ms, retained: context.retained, fields: [], errors: [] };
}

export function readFields(node: unknown, compiled: CompiledField[], lenient: boolean, into: FieldSet): void {
  for (const { spec, path } of compiled) {
    const lookup = path.get(node);
    if (!lookup.found) {
      into.errors.push({
        field: spec.name,
        code: 'FIELD_MISSING',
        message: `${spec.name}: no value at ${path.source} (missing at ${lookup.missing_at})`,
      });
      continue;
    }
    const coerced = coerceField(spec, lookup.value, lenient);
    if (coerced.ok) into.fields.push(coerced.field);
    else into.errors.push(coerced.error);
  }
}

function readTime(document: unknown, path: CompiledJsonPath, errors: FieldError[]): number | undefined {
  const lookup = path.get(document);
  if (!lookup.found) {
    errors.push({ field: 'time', code: 'TIME_MISSING', message: `no timestamp at ${path.source}` });
    return undefined;
  }
  const time = parseSourceTime(lookup.value);
  if (time.ok) return time.time_ms;
  errors.push({ field: 'time', code: 'TIME_INVALID', message: `${time.reason} (at ${path.source})` });
  return undefined;
}

function readSequence(document: unknown, path: CompiledJsonPath, errors: FieldError[]): number | undefined {
  const lookup = path.get(document);
  const value =
    lookup.found && typeof lookup.value === 'string' ? Number(lookup.value.trim()) : lookup.found && lookup.value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  const got = lookup.found ? JSON.stringify(lookup.value) : 'nothing';
  errors.push({
    field: 'sequence',
    code: lookup.found ? 'SEQUENCE_INVALID' : 'SEQUENCE_MISSING',
    message: `sequence at ${path.source} must be a non-negative integer, got ${got}`,
  });
  return undefined;
}

/** Reads the split element's tag: a non-empty string, or a number written as text. */
function readTag(element: unknown, path: CompiledJsonPath): string | undefined {
  const lookup = path.get(element);
  if (!lookup.found) return undefined;
  if (typeof lookup.value === 'string' && lookup.value !== '') return lookup.value;
  if (typeof lookup.value === 'number' && Number.isFinite(lookup.value)) return String(lookup.value);
  return undefined;
}

/**
 * Reads `document` into samples that start from `base`: the mapping's time and sequence (which replace
 * those of `base`), its root fields, and one sample per split element. Throws `PayloadError` with
 * `PAYLOAD_SPLIT_NOT_ARRAY` when the split path does not select an array; `payload` is only quoted in it.
 */
export function readDocument(
  document: unknown,
  base: DeviceSample,
  compiled: CompiledMapping,
  payload: Buffer,
): DeviceSample[] {
  const lenient = compiled.source.lenient === true;
  if (compiled.time) {
    const time = readTime(document, compiled.time, base.errors);
    if (time !== undefined) base.source_time_ms = time;
  }
  if (compiled.sequence) {
    const sequence = readSequence(document, compiled.sequence, base.errors);
    if (sequence !== undefined) base.sequence = sequence;
  }
  readFields(document, compiled.fields, lenient, base);
  if (!compiled.split) return [base];

  const split = compiled.split;
  const array = split.path.get(document);
  if (!array.found || !Array.isArray(array.value)) {
    throw new PayloadError(
      'PAYLOAD_SPLIT_NOT_ARRAY',
      `split path ${split.path.source} does not select an array`,
      payloadExcerpt(payload),
    );
  }
  return array.value.map((element, index) => {
    const sample: DeviceSample = { ...base, fields: [...base.fields], errors: [...base.errors] };
    const tag = readTag(element, split.tag);
    if (tag === undefined) {
      sample.fields = [];
      sample.errors.push({
        field: split.tag_name,
        code: 'TAG_MISSING',
        message: `element ${index} of ${split.path.source} has no string or number at ${split.tag.source}, so its fields are dropped`,
      });
      return sample;
    }
    sample.tags = { [split.tag_name]: tag };
    readFields(element, split.fields, lenient, sample);
    return sample;
  });
}
