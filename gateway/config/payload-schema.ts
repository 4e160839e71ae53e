import { z } from 'zod';
import { checkField, fieldCommon, storedName } from './field-schema.js';

/** One JSON field: where it sits in the payload and how to read it. */
export const jsonField = z.strictObject({ ...fieldCommon, path: z.string().min(1) }).superRefine(checkField);

/** How an MQTT payload becomes fields. */
export const payloadSchema = z.strictObject({
  /** `json` for an object payload, `number` for a payload that is one plain number. */
  format: z.enum(['json', 'number']).default('json'),
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

export type PayloadConfig = z.infer<typeof payloadSchema>;
