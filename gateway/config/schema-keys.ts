import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  discriminator?: string;
  in?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function pickOption(def: Def, value: unknown): AnySchema | undefined {
  if (!def.options) return undefined;
  const tag =
    def.discriminator && value && typeof value === 'object'
      ? (value as Record<string, unknown>)[def.discriminator]
      : undefined;
  for (const option of def.options) {
    const shape = defOf(unwrap(option)).shape;
    const literal = def.discriminator ? shape?.[def.discriminator] : undefined;
    const values = literal ? (defOf(literal) as unknown as { values?: unknown[] }).values : undefined;
    if (values?.includes(tag)) return option;
  }
  return def.options[0];
}

/** Unwraps a schema and, for a union, picks the option that `value` selects. */
function resolve(schema: AnySchema, value: unknown): AnySchema | undefined {
  const def = defOf(unwrap(schema));
  if (def.type !== 'union' && !def.options) return unwrap(schema);
  const option = pickOption(def, value);
  return option ? unwrap(option) : undefined;
}

/**
 * Returns the schema of the value at `path`, without its optional, default and pipe wrappers, following
 * the input data through arrays, records and discriminated unions. A union without a discriminator
 * resolves to its first option. Returns undefined where the path leaves the schema.
 */
export function schemaAt(root: AnySchema, data: unknown, path: readonly PropertyKey[]): AnySchema | undefined {
  let schema = resolve(root, data);
  let value: unknown = data;
  for (const step of path) {
    if (!schema) return undefined;
    const def = defOf(schema);
    let next: AnySchema | undefined;
    if (def.type === 'object' && def.shape) next = def.shape[String(step)];
    else if (def.type === 'array') next = def.element;
    else if (def.type === 'record') next = def.valueType;
    else return undefined;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[step] : undefined;
    schema = next ? resolve(next, value) : undefined;
  }
  return schema;
}

/** Lists the keys an object schema accepts. Used to suggest the right spelling of an unknown key. */
export function objectKeys(schema: AnySchema | undefined): string[] {
  const shape = schema ? defOf(schema).shape : undefined;
  return shape ? Object.keys(shape) : [];
}
