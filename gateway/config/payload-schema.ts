import { z } from 'zod';
import { checkField, fieldCommon, storedName } from './field-schema.js';

/** One JSON field: where it sits in the payload and how to read it. */
export const jsonField = z.strictObject({ ...fieldCommon, path: z.string().min(1) }).superRefine(checkField);

/** Mapping from an MQTT payload to fields. */
export const payloadSchema = z.strictObject({
  /**
   * `json` for an object payload, `number` for one plain number, `chirpstack_v4` and `tts_v3` for LoRaWAN
   * uplinks as those network servers publish them (field paths then resolve inside the decoded object).
   */
  format: z.enum(['json', 'number', 'chirpstack_v4', 'tts_v3']).default('json'),
  /**
   * Source of the device id: the topic (default for json and number), or for LoRaWAN formats the
   * uplink's `dev_eui` (their default) or `device_name`.
   */
  device_id_from: z.enum(['topic', 'dev_eui', 'device_name']).optional(),
  /** Fields read from the payload root. */
  fields: z.array(jsonField).default([]),
  /** Path of the device's own timestamp (ISO 8601, epoch seconds or epoch milliseconds). */
  time_path: z.string().min(1).optional(),
  /** Path of the payload's sequence number, stored as the integer field `seq`. */
  sequence_path: z.string().min(1).optional(),
  /** One reading per element of an array (a reefer's compartments), tagged with the element's id. */
  split: z
    .strictObject({
      path: z.string().min(1),
      tag_name: storedName,
      tag_path: z.string().min(1),
      fields: z.array(jsonField).min(1),
    })
    .optional(),
  /** Accept bare NaN tokens and numbers sent as strings; the bad field is dropped, the rest kept. */
  lenient: z.boolean().default(false),
});

const lorawanFormats = new Set(['chirpstack_v4', 'tts_v3']);
/** Field names a LoRaWAN format adds itself from the uplink's radio metadata. */
const lorawanHealthFields = new Set(['rssi_dbm', 'snr_db']);

/** Payload mapping schema that also checks the rules spanning several keys. */
export const checkedPayloadSchema = payloadSchema.superRefine((payload, ctx) => {
  const lorawan = lorawanFormats.has(payload.format);
  if (!lorawan && (payload.device_id_from === 'dev_eui' || payload.device_id_from === 'device_name')) {
    ctx.addIssue({
      code: 'custom',
      path: ['device_id_from'],
      input: payload.device_id_from,
      message: 'applies only to the LoRaWAN formats chirpstack_v4 and tts_v3; use topic',
    });
  }
  if (lorawan) {
    payload.fields.forEach((field, index) => {
      if (lorawanHealthFields.has(field.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'name'],
          input: field.name,
          message: 'is filled from the uplink radio metadata by LoRaWAN formats; choose another name',
        });
      }
    });
  }
});

/** True when the device id is read from the payload rather than from the topic. */
export function idFromPayload(payload: PayloadConfig): boolean {
  if (payload.device_id_from === 'topic') return false;
  return payload.device_id_from !== undefined || lorawanFormats.has(payload.format);
}

export type PayloadConfig = z.infer<typeof payloadSchema>;
