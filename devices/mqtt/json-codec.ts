/**
 * Decodes one MQTT payload into device samples following a `PayloadMapping`. A payload that cannot be
 * parsed throws `PayloadError`. A field that is missing or unreadable becomes a `FieldError` on the
 * sample and the other fields stay usable.
 */
import type { DeviceSample } from '../sample.js';
import { type DecodeContext, emptySample, readDocument } from './document-reader.js';
import type { CompiledJsonPath } from './json-path.js';
import { parseJsonPayload } from './json-text.js';
import { decodeLorawan } from './lorawan-codec.js';
import { decodeNumber } from './number-codec.js';
import { PayloadError, payloadExcerpt } from './payload-error.js';
import { type CompiledMapping, compileMapping, type PayloadMapping } from './payload-mapping.js';

export type { DecodeContext };

/** Names the type of a JSON document's top level for a message: `null`, `an array of 2`, `a number`. */
function describeRoot(document: unknown): string {
  if (document === null) return 'null';
  if (Array.isArray(document)) return `an array of ${document.length}`;
  return typeof document === 'object' ? 'an object' : `a ${typeof document}`;
}

/** The top levels of a document at which at least one path of a mapping can start. */
interface RootShape {
  /** True when the mapping has no path, or a path of `$` alone, which reads any top level. */
  any: boolean;
  /** First keys of the paths that begin with a key, in mapping order. An object passes when there is one. */
  keys: readonly string[];
  /** True when a path begins with an index, so an array passes. */
  array: boolean;
}

/** Root shapes by compiled mapping, worked out once instead of for every payload. */
const rootShapes = new WeakMap<CompiledMapping, RootShape>();

function rootShapeOf(compiled: CompiledMapping): RootShape {
  const known = rootShapes.get(compiled);
  if (known !== undefined) return known;
  const paths: CompiledJsonPath[] = compiled.fields.map((field) => field.path);
  if (compiled.time) paths.push(compiled.time);
  if (compiled.sequence) paths.push(compiled.sequence);
  if (compiled.split) paths.push(compiled.split.path);
  const keys = new Set<string>();
  let array = false;
  let any = paths.length === 0;
  for (const path of paths) {
    const first = path.segments[0];
    if (first === undefined) any = true;
    else if (first.kind === 'key') keys.add(first.key);
    else array = true;
  }
  const shape: RootShape = { any, keys: [...keys], array };
  rootShapes.set(compiled, shape);
  return shape;
}

/**
 * Throws `PAYLOAD_NOT_OBJECT` when no path of the mapping can start at the document's top level: a
 * `null`, array, number, string or boolean where every path begins with a key, or an object where
 * every path begins with an index. Otherwise each mapped value would be a field error of its own, and
 * the payload would not count as bad. A path of `$` alone reads any top level.
 */
function checkRoot(document: unknown, compiled: CompiledMapping, payload: Buffer): void {
  const shape = rootShapeOf(compiled);
  if (shape.any) return;
  if (Array.isArray(document)) {
    if (shape.array) return;
  } else if (document !== null && typeof document === 'object' && shape.keys.length > 0) {
    return;
  }
  const expected = [
    ...(shape.keys.length > 0 ? [`a JSON object with keys ${shape.keys.join(', ')}`] : []),
    ...(shape.array ? ['a JSON array'] : []),
  ].join(' or ');
  throw new PayloadError(
    'PAYLOAD_NOT_OBJECT',
    `payload is ${describeRoot(document)}, expected ${expected}; fix the device payload, or the mapping's paths`,
    payloadExcerpt(payload),
  );
}

function decodeJson(
  device_id: string,
  payload: Buffer,
  compiled: CompiledMapping,
  context: DecodeContext,
): DeviceSample[] {
  const { document } = parseJsonPayload(payload, compiled.source.lenient === true);
  checkRoot(document, compiled, payload);
  return readDocument(document, emptySample(device_id, context), compiled, payload);
}

/**
 * Decodes `payload` into samples: one sample, or one per array element with `split`. `device_id` is
 * the id the topic gives; the LoRaWAN formats replace it with the uplink's DevEUI or device name unless
 * `device_id_from` is `topic`. Throws `PayloadError` when the payload cannot be read in its format, and
 * `PayloadMappingError` or `JsonPathError` when the mapping itself is invalid.
 */
export function decodePayload(
  device_id: string,
  payload: Buffer,
  mapping: PayloadMapping,
  context: DecodeContext,
): DeviceSample[] {
  const compiled = compileMapping(mapping);
  switch (mapping.format) {
    case 'number':
      return decodeNumber(device_id, payload, compiled, context);
    case 'chirpstack_v4':
    case 'tts_v3':
      return decodeLorawan(device_id, payload, compiled, context);
    case 'json':
      return decodeJson(device_id, payload, compiled, context);
  }
}
