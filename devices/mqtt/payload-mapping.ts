/**
 * Mapping from an MQTT payload to sample fields, and its compiled form with every JSON path parsed once.
 */
import type { FieldSpec } from '../sample.js';
import { type CompiledJsonPath, compileJsonPath } from './json-path.js';

/** A field read from a JSON path of the payload. */
export interface JsonFieldMapping extends FieldSpec {
  /** JSON path of the value (`$.payload_fields.BatV`), resolved against the array element when splitting. */
  path: string;
}

/** One sample per element of an array in the payload (for example one per reefer compartment). */
export interface SplitMapping {
  /** JSON path of the array. */
  path: string;
  /** Name of the tag that distinguishes the samples (`compartment`). */
  tag_name: string;
  /** JSON path, relative to the element, of the tag value. */
  tag_path: string;
  /** Fields read from each element. */
  fields: JsonFieldMapping[];
}

/** Decoding rules for the payloads of one subscription. */
export interface PayloadMapping {
  /** `json`: a JSON document; `number`: the whole payload is one plain number (exactly one field). */
  format: 'json' | 'number';
  /** Fields read from the document root; with `split` they are added to every element's sample. */
  fields: JsonFieldMapping[];
  /** JSON path of the device timestamp: ISO 8601 with zone, or epoch seconds or ms. Default none. */
  time_path?: string;
  /** JSON path of the sequence number, a non-negative integer. Default none. */
  sequence_path?: string;
  /** Split into one sample per array element. The element's `tag_path` value becomes tag `tag_name`. */
  split?: SplitMapping;
  /** Reads bare NaN/nan/Infinity tokens as null (the field is dropped) and trims blanks around numeric strings. Default false. */
  lenient?: boolean;
}

/** A mapping that cannot be used (bad path, wrong field count), raised when it is compiled. */
export class PayloadMappingError extends Error {
  readonly code = 'PAYLOAD_MAPPING_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'PayloadMappingError';
  }
}

/** A field with its compiled path. */
export interface CompiledField {
  spec: JsonFieldMapping;
  path: CompiledJsonPath;
}

/** A mapping with all paths compiled. */
export interface CompiledMapping {
  source: PayloadMapping;
  fields: CompiledField[];
  time?: CompiledJsonPath;
  sequence?: CompiledJsonPath;
  split?: { path: CompiledJsonPath; tag_name: string; tag: CompiledJsonPath; fields: CompiledField[] };
}

const cache = new WeakMap<PayloadMapping, CompiledMapping>();

function compileFields(fields: JsonFieldMapping[]): CompiledField[] {
  const names = new Set<string>();
  return fields.map((spec) => {
    if (names.has(spec.name))
      throw new PayloadMappingError(`field ${spec.name} is mapped twice; give each field one path`);
    names.add(spec.name);
    return { spec, path: compileJsonPath(spec.path) };
  });
}

function checkShape(mapping: PayloadMapping): void {
  if (mapping.format === 'number' && (mapping.fields.length !== 1 || mapping.split !== undefined)) {
    throw new PayloadMappingError(
      `format 'number' maps the whole payload to exactly one field, got ${mapping.fields.length} fields` +
        `${mapping.split ? ' and a split' : ''}; use format 'json' for more`,
    );
  }
  if (mapping.format === 'json' && mapping.fields.length === 0 && (mapping.split?.fields.length ?? 0) === 0) {
    throw new PayloadMappingError('a json mapping needs at least one field in fields or split.fields');
  }
}

/**
 * Validates a mapping and compiles its paths, once per mapping object. Throws `PayloadMappingError`, or
 * `JsonPathError` for a bad path.
 */
export function compileMapping(mapping: PayloadMapping): CompiledMapping {
  const cached = cache.get(mapping);
  if (cached !== undefined) return cached;
  checkShape(mapping);
  const compiled: CompiledMapping = { source: mapping, fields: compileFields(mapping.fields) };
  if (mapping.time_path !== undefined) compiled.time = compileJsonPath(mapping.time_path);
  if (mapping.sequence_path !== undefined) compiled.sequence = compileJsonPath(mapping.sequence_path);
  if (mapping.split !== undefined) {
    const split = mapping.split;
    const clash = split.fields.find((field) => mapping.fields.some((root) => root.name === field.name));
    if (clash !== undefined) {
      throw new PayloadMappingError(`field ${clash.name} is both a root field and a split field; rename one`);
    }
    compiled.split = {
      path: compileJsonPath(split.path),
      tag_name: split.tag_name,
      tag: compileJsonPath(split.tag_path),
      fields: compileFields(split.fields),
    };
  }
  cache.set(mapping, compiled);
  return compiled;
}
