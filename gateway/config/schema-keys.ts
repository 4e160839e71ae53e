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

/**
 * Lists the keys an object schema accepts at `path`, following the input data through arrays, records
 * and discriminated unions. Used to suggest the right spelling of an unknown key.
 */
export function keysAt(root: AnySchema, data: unknown, path: readonly PropertyKey[]): string[] {
  let schema: AnySchema | undefined = root;
  let value: unknown = data;
  const steps = [...path, undefined];
  for (const step of steps) {
    if (!schema) return [];
    let def = defOf(unwrap(schema));
    if (def.type === 'union' || def.options) {
      schema = pickOption(def, value);
      if (!schema) return [];
      def = defOf(unwrap(schema));
    }
    if (step === undefined) return def.shape ? Object.keys(def.shape) : [];
    const next: unknown =
      value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[step] : undefined;
    if (def.type === 'object' && def.shape) schema = def.shape[String(step)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return [];
    value = next;
  }
  return [];
}
