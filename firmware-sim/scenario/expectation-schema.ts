import { z } from 'zod';
import { idSchema } from './site-schema.js';

const expectationCommon = {
  /** Name printed on the PASS or FAIL line. Default: built from the expectation. */
  name: z.string().min(1).optional(),
};

const alarmRaised = z.strictObject({
  ...expectationCommon,
  expect: z.literal('alarm'),
  /** Lowest level that satisfies the expectation. */
  level: z.enum(['warning', 'alarm', 'critical']),
  asset: idSchema,
  /** Truck compartment whose alarm counts (`front` on `truck-1` matches `truck-1/front`). Default: the asset itself. */
  compartment: idSchema.optional(),
  /** Alarm kind (`high`, `low`, `power_failure`...). Default: any. */
  kind: z.string().min(1).optional(),
  /** Event id the window starts at. */
  after: idSchema,
  /** Window length, simulated min. */
  within_min: z.number().positive(),
});

const noAlarm = z.strictObject({
  ...expectationCommon,
  expect: z.literal('no_alarm'),
  /** Asset that must stay quiet. Default: every asset. */
  asset: idSchema.optional(),
  /** Alarm kind that must stay quiet (`high`, `door_open`...). Default: every kind. */
  kind: z.string().min(1).optional(),
  /** `defrost` (every defrost of the asset, plus `grace_min`), `run` (the whole run), or an event id. */
  during: z.string().min(1),
  /** Time after the window that stays quiet as well, simulated min. Default 0. */
  grace_min: z.number().min(0).default(0),
});

const noReadingLost = z.strictObject({
  ...expectationCommon,
  expect: z.literal('no_reading_lost'),
  /** MQTT device whose every published sequence number must come back as a reading. Default: every one. */
  device: idSchema.optional(),
});

const readingReaches = z.strictObject({
  ...expectationCommon,
  expect: z.literal('reading'),
  asset: idSchema,
  /** Stored field name, such as `air_temp_c`. */
  field: z.string().min(1),
  /** The value must go above this. */
  above: z.number().optional(),
  /** The value must go below this. */
  below: z.number().optional(),
  /** Event id the window starts at. Default: the start of the run. */
  after: idSchema.optional(),
  /** Window length, simulated min. Default: to the end of the run. */
  within_min: z.number().positive().optional(),
});

const ordersPublished = z.strictObject({
  ...expectationCommon,
  expect: z.literal('orders'),
  /** Number of orders seen on `coldpool/orders/in`. */
  count: z.number().int().min(0),
});

export const expectationSchema = z.discriminatedUnion('expect', [
  alarmRaised,
  noAlarm,
  noReadingLost,
  readingReaches,
  ordersPublished,
]);

export type Expectation = z.infer<typeof expectationSchema>;
