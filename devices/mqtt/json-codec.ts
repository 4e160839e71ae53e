/**
 * Decodes one MQTT payload into device samples following a `PayloadMapping`. A payload that cannot be
 * parsed throws `PayloadError`. A field that is missing or unreadable becomes a `FieldError` on the
 * sample and the other fields stay usable.
 */
import type { DeviceSample } from '../sample.js';
import { type DecodeContext, emptySample, readDocument } from './document-reader.js';
import { parseJsonPayload } from './json-text.js';
import { decodeLorawan } from './lorawan-codec.js';
import { decodeNumber } from './number-codec.js';
import { type CompiledMapping, compileMapping, type PayloadMapping } from './payload-mapping.js';

export type { DecodeContext };

function decodeJson(
  device_id: string,
  payload: Buffer,
  compiled: CompiledMapping,
  context: DecodeContext,
): DeviceSample[] {
  const { document } = parseJsonPayload(payload, compiled.source.lenient === true);
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
