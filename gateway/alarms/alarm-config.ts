/**
 * Configuration of cold-chain monitoring, mounted under the top-level key `alarms`: the monitored
 * assets (cold rooms, room zones, truck compartments) with their temperature class and state, per-class
 * overrides of the default rules, offline and power-failure detection, notification and recording.
 */
import { z } from 'zod';
import { recordingSchema } from '../audit/recording-schema.js';
import { ASSET_STATES } from './asset-state.js';
import { notifySchema } from './notify-schema.js';
import { defrostRuleSchema, doorRuleSchema, rateRuleSchema, thresholdRuleSchema } from './rule-schemas.js';
import { TEMPERATURE_CLASSES } from './temperature-classes.js';

/** Days before a calibration is due at which it shows as due soon, as `alarms.calibration.remind_days`. */
export const remindDaysSchema = z.number().int().min(0);

/** Turns every field of an object schema optional without its default, for partial overrides. */
function overrideOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const inner = field instanceof z.ZodDefault || field instanceof z.ZodPrefault ? field.unwrap() : field;
    shape[key] = (inner as z.ZodType).optional();
  }
  return z.strictObject(shape);
}

export const rateOverrideSchema = overrideOf(rateRuleSchema);
export const doorOverrideSchema = overrideOf(doorRuleSchema);
export const defrostOverrideSchema = overrideOf(defrostRuleSchema);

/** Settings a class or an asset may change; anything left out keeps the default. */
const overrides = {
  /** Lowest temperature of the storage range, °C; null for none. Required on both sides for `custom`. */
  low_c: z.number().nullable().optional(),
  /** Highest temperature of the storage range, °C; null for none. */
  high_c: z.number().nullable().optional(),
  /** Threshold rules; when given, they replace the class rules as a whole. */
  rules: z.array(thresholdRuleSchema).optional(),
  rate: rateOverrideSchema.optional(),
  door: doorOverrideSchema.optional(),
  defrost: defrostOverrideSchema.optional(),
};

export const classOverrideSchema = z.strictObject(overrides);

export const assetKindSchema = z.enum(['cold_room', 'room_zone', 'truck_compartment']);
export type AssetKind = z.infer<typeof assetKindSchema>;

/** Tags that select the readings of an asset; every given tag must match. */
const matchSchema = z.strictObject({
  /** Value of the `asset` tag. Default: the asset's `id`. */
  asset: z.string().min(1).optional(),
  /** Value of the `compartment` tag, for one compartment of a truck. */
  compartment: z.string().min(1).optional(),
  /** Value of the `device` tag, for one zone of a room served by several probes. */
  device: z.string().min(1).optional(),
});

export const assetSchema = z.strictObject({
  /** Asset id used in alarms, records and reports (`room-1`, `truck-7/front`). */
  id: z.string().min(1),
  /** Storage assets record every 30 min by default, truck compartments every 5 min. Default `cold_room`. */
  kind: assetKindSchema.default('cold_room'),
  class: z.enum(TEMPERATURE_CLASSES),
  /** Operating state; it gates which alarms are raised. Default `in_service`. */
  state: z.enum(ASSET_STATES).default('in_service'),
  match: matchSchema.prefault({}),
  /** Field the threshold and rate rules watch. Default `box_temp_c` for truck compartments, else `air_temp_c`. */
  temperature_field: z.string().min(1).optional(),
  ...overrides,
});
export type AssetConfig = z.infer<typeof assetSchema>;

export const alarmConfigSchema = z
  .strictObject({
    /** Evaluate alarms. Default true. */
    enabled: z.boolean().default(true),
    /** SQLite file of alarm state, the audit trail and the calibration register. Default `records.db` in the local store's folder. */
    store_path: z.string().min(1).default('data/records.db'),
    /** Overrides of the class defaults, by class name. */
    classes: z.partialRecord(z.enum(TEMPERATURE_CLASSES), classOverrideSchema).default({}),
    assets: z.array(assetSchema).default([]),
    no_data: z
      .strictObject({
        /** A device silent this long is offline, s. Default 900. */
        timeout_s: z.number().positive().default(900),
        level: z.enum(['warning', 'alarm', 'critical']).default('alarm'),
      })
      .prefault({}),
    power: z
      .strictObject({
        /** Boolean field that is false while a site runs without mains power. Default `mains_on`. */
        field: z.string().min(1).default('mains_on'),
        /** Minimum number of devices that must fall silent together to infer a site power failure. Default 2. */
        min_devices: z.number().int().min(1).default(2),
        /** Maximum spread of their last readings for the silences to count as one event, s. Default 300. */
        window_s: z.number().min(0).default(300),
        level: z.enum(['warning', 'alarm', 'critical']).default('critical'),
      })
      .prefault({}),
    notify: notifySchema.prefault({}),
    records: recordingSchema.prefault({}),
    calibration: z
      .strictObject({
        /** Days before a calibration is due at which the reminder starts. Default 30. */
        remind_days: remindDaysSchema.default(30),
      })
      .prefault({}),
    /** Interval of the clock tick that drives the offline rule and notifications, s. Default 10. */
    tick_interval_s: z.number().positive().default(10),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.assets.forEach((asset, index) => {
      if (seen.has(asset.id)) {
        context.addIssue({ code: 'custom', path: ['assets', index, 'id'], message: `asset id ${asset.id} repeats` });
      }
      seen.add(asset.id);
      const custom = asset.class === 'custom' ? { ...config.classes.custom, ...asset } : undefined;
      if (custom && (custom.low_c === undefined || custom.high_c === undefined) && custom.rules === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['assets', index, 'class'],
          input: asset.class,
          message:
            'class custom needs low_c and high_c (null for no bound) or a rules list, on the asset or under alarms.classes.custom',
        });
      }
    });
  });

export type AlarmConfig = z.infer<typeof alarmConfigSchema>;
