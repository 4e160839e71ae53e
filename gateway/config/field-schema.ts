import { z } from 'zod';

/** Stored names: snake_case, starting with a letter. `time` is reserved by InfluxDB. */
export const storedName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case: lowercase letters, digits and underscores, starting with a letter')
  .refine((name) => name !== 'time', 'is reserved by InfluxDB; choose another name such as sample_time');

export const fieldType = z.enum(['float', 'integer', 'boolean', 'string']);

export const unit = z.enum(['C', 'F', 'K', 'percent', 'bar', 'kPa', 'V', 'A', 'W', 'kWh', 'km/h', 'deg', 'dB', 'none']);

const temperatureUnits = new Set(['C', 'F', 'K']);

/** Keys shared by MQTT and Modbus field mappings. */
export const fieldCommon = {
  /** Stored field name with its unit in the name (`air_temp_c`). */
  name: storedName,
  /** Declared stored type; it never changes once written. */
  type: fieldType.default('float'),
  /** Unit the device sends, after scale and offset. Temperatures are stored in °C. */
  unit: unit.default('none'),
  /** Multiplier applied to the raw value. */
  scale: z.number().finite().default(1),
  /** Added after scaling. */
  offset: z.number().finite().default(0),
  /** Lowest plausible value in the stored unit; anything lower is a sensor fault. */
  valid_min: z.number().finite().optional(),
  /** Highest plausible value in the stored unit; anything higher is a sensor fault. */
  valid_max: z.number().finite().optional(),
  /** Values in the device's unit that mean "probe missing" or "probe fault" (327.67, -127, 85...). */
  sentinels: z.array(z.number().finite()).optional(),
};

interface FieldLike {
  name: string;
  unit: string;
  type: string;
  valid_min?: number | undefined;
  valid_max?: number | undefined;
}

/** Cross-key rules of a field: temperature names and units agree, ranges are ordered. */
export function checkField(field: FieldLike, ctx: z.RefinementCtx): void {
  if (temperatureUnits.has(field.unit) && !field.name.endsWith('_c')) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      input: field.name,
      message: `temperatures are stored in °C, so the name must end in _c (for example ${field.name}_c)`,
    });
  }
  if (temperatureUnits.has(field.unit) && field.type !== 'float') {
    ctx.addIssue({ code: 'custom', path: ['type'], input: field.type, message: 'a temperature must be of type float' });
  }
  if (field.valid_min !== undefined && field.valid_max !== undefined && field.valid_min >= field.valid_max) {
    ctx.addIssue({
      code: 'custom',
      path: ['valid_max'],
      input: field.valid_max,
      message: `must be greater than valid_min (${field.valid_min})`,
    });
  }
}
