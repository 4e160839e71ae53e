import { z } from 'zod';

const STORED_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Turns `name` into a valid stored name for an error message's example: `Air Temp` becomes `air_temp`,
 * `airTemp` and `Évap` lose case and accents, and a name that starts with a digit gets the prefix `field_`.
 */
export function suggestStoredName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{Mn}/gu, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (words === '') return 'field';
  const suggestion = /^[a-z]/.test(words) ? words : `field_${words}`;
  return suggestion === 'time' ? 'sample_time' : suggestion;
}

/** Turns `name` into a valid stored name of a temperature, which ends in `_c`: `probe_f` becomes `probe_c`. */
export function suggestTemperatureName(name: string): string {
  return `${suggestStoredName(name).replace(/_[cfk]$/, '')}_c`;
}

const SNAKE_CASE_RULE = 'must be snake_case: lowercase letters, digits and underscores, starting with a letter';
const RESERVED_TIME = 'is reserved by InfluxDB; choose another name such as sample_time';

/** Stored names: snake_case, starting with a letter. `time` is reserved by InfluxDB. */
export const storedName = z
  .string()
  .regex(STORED_NAME, {
    error: (issue) => `${SNAKE_CASE_RULE}, for example ${suggestStoredName(String(issue.input))}`,
  })
  .refine((name) => name !== 'time', RESERVED_TIME);

/**
 * A field's stored name. The message gives no example because a valid one depends on the unit, so
 * `checkField`, which reads the unit, adds the example in an issue of its own.
 */
const fieldName = z
  .string()
  .regex(STORED_NAME, SNAKE_CASE_RULE)
  .refine((name) => name !== 'time', RESERVED_TIME);

export const fieldType = z.enum(['float', 'integer', 'boolean', 'string']);

export const unit = z.enum(['C', 'F', 'K', 'percent', 'bar', 'kPa', 'V', 'A', 'W', 'kWh', 'km/h', 'deg', 'dB', 'none']);

const temperatureUnits = new Set(['C', 'F', 'K']);

/** Keys shared by MQTT and Modbus field mappings. */
export const fieldCommon = {
  /** Stored field name with its unit in the name (`air_temp_c`). */
  name: fieldName,
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
  const temperature = temperatureUnits.has(field.unit);
  if (temperature && !field.name.endsWith('_c')) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      input: field.name,
      message: `temperatures are stored in °C, so the name must end in _c (for example ${suggestTemperatureName(field.name)})`,
    });
  } else if (!STORED_NAME.test(field.name)) {
    const example = temperature ? suggestTemperatureName(field.name) : suggestStoredName(field.name);
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      input: field.name,
      message: `rename it, for example to ${example}`,
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
