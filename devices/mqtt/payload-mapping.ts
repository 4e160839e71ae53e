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

/**
 * Payload formats: `json` is a JSON document, `number` a payload that is one plain number (exactly one
 * field), `chirpstack_v4` a ChirpStack v4 uplink event and `tts_v3` a The Things Stack v3 uplink message.
 */
export type PayloadFormat = 'json' | 'number' | 'chirpstack_v4' | 'tts_v3';

/** The payload formats that carry a LoRaWAN uplink from a network server. */
export const LORAWAN_FORMATS: readonly PayloadFormat[] = ['chirpstack_v4', 'tts_v3'];

/**
 * Source of a sample's device id: `topic` takes the subscription's `device_id` or topic level,
 * `dev_eui` the uplink's DevEUI (lowercase hex), `device_name` the network server's device name
 * (ChirpStack `deviceInfo.deviceName`, The Things Stack `end_device_ids.device_id`).
 */
export type DeviceIdSource = 'topic' | 'dev_eui' | 'device_name';

/** Decoding rules for the payloads of one subscription. */
export interface PayloadMapping {
  /** Payload format, see `PayloadFormat`. */
  format: PayloadFormat;
  /**
   * Fields read from the document root, or from the decoded payload object for the LoRaWAN formats.
   * With `split` they are added to every element's sample.
   */
  fields: JsonFieldMapping[];
  /**
   * JSON path of the device timestamp: ISO 8601 with zone, or epoch seconds or ms. Default none, and for
   * the LoRaWAN formats the network server's receive time.
   */
  time_path?: string;
  /** JSON path of the sequence number, a non-negative integer. Default none, and for the LoRaWAN formats the frame counter. */
  sequence_path?: string;
  /** Source of the device id. Default `topic`, and `dev_eui` for the LoRaWAN formats, which alone accept the other values. */
  device_id_from?: DeviceIdSource;
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

/** Names of the health fields that the LoRaWAN formats add to every sample, so no mapped field may use them. */
export const LORAWAN_HEALTH_FIELDS: readonly string[] = ['rssi_dbm', 'snr_db'];

/** Returns true when `format` is one of the LoRaWAN network server formats. */
export function isLorawanFormat(format: PayloadFormat): boolean {
  return LORAWAN_FORMATS.includes(format);
}

/** Returns where the device id of this mapping's samples comes from, with the format's default applied. */
export function deviceIdSource(mapping: PayloadMapping): DeviceIdSource {
  return mapping.device_id_from ?? (isLorawanFormat(mapping.format) ? 'dev_eui' : 'topic');
}

function checkLorawanShape(mapping: PayloadMapping): void {
  if (!isLorawanFormat(mapping.format)) {
    if (deviceIdSource(mapping) !== 'topic') {
      throw new PayloadMappingError(
        `device_id_from '${mapping.device_id_from}' needs format chirpstack_v4 or tts_v3; format '${mapping.format}' takes the device id from the topic`,
      );
    }
    return;
  }
  const mapped = [...mapping.fields, ...(mapping.split?.fields ?? [])];
  const clash = mapped.find((field) => LORAWAN_HEALTH_FIELDS.includes(field.name));
  if (clash !== undefined) {
    throw new PayloadMappingError(
      `field ${clash.name} is a health field that format '${mapping.format}' fills from the gateway metadata; rename the mapped field`,
    );
  }
}

function checkShape(mapping: PayloadMapping): void {
  checkLorawanShape(mapping);
  if (mapping.format === 'number' && (mapping.fields.length !== 1 || mapping.split !== undefined)) {
    throw new PayloadMappingError(
      `format 'number' maps the whole payload to exactly one field, got ${mapping.fields.length} fields` +
        `${mapping.split ? ' and a split' : ''}; use format 'json' for more`,
    );
  }
  if (mapping.format !== 'number' && mapping.fields.length === 0 && (mapping.split?.fields.length ?? 0) === 0) {
    throw new PayloadMappingError(`a ${mapping.format} mapping needs at least one field in fields or split.fields`);
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
