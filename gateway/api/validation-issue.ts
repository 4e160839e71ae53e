/** Field paths and messages of the request values that fail their JSON Schema. */
import type { FieldProblem } from './errors.js';
import { lengthRule, patternRule } from './string-rules.js';

export interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  /** Schema of the failing value; set because the server compiles schemas with Ajv's `verbose`. */
  parentSchema?: Record<string, unknown>;
  /** Failing value, after type coercion outside the body; set with `verbose` too. */
  data?: unknown;
}

/** Ajv keywords that a number outside its schema fails. */
const NUMBER_KEYWORDS = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

/** Renders a rejected value for a message, bounded to 40 characters. */
function shownValue(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Returns the requirement of a number schema with its whole allowed range, such as `must be a finite
 * integer, at least 10 and at most 5000`. Returns undefined for a schema of another type.
 */
function numberRequirement(schema: Record<string, unknown> | undefined): string | undefined {
  if (schema === undefined) return undefined;
  if (schema.type !== 'integer' && schema.type !== 'number') return undefined;
  const bounds: string[] = [];
  if (typeof schema.minimum === 'number') bounds.push(`at least ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === 'number') bounds.push(`greater than ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === 'number') bounds.push(`at most ${schema.maximum}`);
  if (typeof schema.exclusiveMaximum === 'number') bounds.push(`less than ${schema.exclusiveMaximum}`);
  const kind = schema.type === 'integer' ? 'a finite integer' : 'a finite number';
  const range = bounds.length > 0 ? `, ${bounds.join(' and ')}` : '';
  return `must be ${kind}${range}`;
}

/**
 * Returns the message for a number field that fails its type or a bound, naming the whole allowed
 * range and the value received, such as `must be a finite integer, at least 10 and at most 5000;
 * got Infinity`. Returns undefined for other fields.
 */
function numberRangeMessage(issue: AjvIssue): string | undefined {
  if (!NUMBER_KEYWORDS.has(issue.keyword)) return undefined;
  const requirement = numberRequirement(issue.parentSchema);
  return requirement === undefined ? undefined : `${requirement}; got ${shownValue(issue.data)}`;
}

/** Types of the JSON Schema `type` keyword, as a message names them. */
const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** Returns the JSON Schema type of a value parsed from JSON: null, boolean, number, string, array or object. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Joins names as `a`, `a and b` or `a, b and c`. */
function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Returns how to send an object of `schema`: the keys it requires, and the first of its `examples`
 * where it has one, such as `send an object with the keys start and end in JSON, such as
 * {"start":"17:30","end":"21:30"}`.
 */
function objectFix(schema: Record<string, unknown> | undefined): string {
  const required = Array.isArray(schema?.required) ? schema.required.filter((key) => typeof key === 'string') : [];
  let keys = '';
  if (required.length === 1) keys = ` with the key ${required[0]}`;
  if (required.length > 1) keys = ` with the keys ${joinNames(required)}`;
  const examples = schema?.examples;
  const example = Array.isArray(examples) && examples.length > 0 ? `, such as ${JSON.stringify(examples[0])}` : '';
  return `send an object${keys} in JSON${example}`;
}

/**
 * Returns how to send `value` as JSON type `expected` of `schema`, with the corrected value as an
 * example where one follows from it, unless `secret` is set.
 */
function typeFix(
  expected: string,
  value: unknown,
  secret: boolean,
  schema: Record<string, unknown> | undefined,
): string {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    const example = secret ? '' : `, such as ${JSON.stringify(String(value))}`;
    return `send the text in double quotes${example}`;
  }
  const numeric = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  if ((expected === 'number' || expected === 'integer') && numeric) {
    const example = secret ? '' : `, such as ${Number(value)}`;
    return `send the number without quotes${example}`;
  }
  if (expected === 'boolean') {
    return value === 'true' || value === 'false' ? `send ${value} without quotes` : 'send true or false';
  }
  if (expected === 'object') return objectFix(schema);
  return `send ${TYPE_NAMES[expected] ?? expected} in JSON`;
}

/**
 * Returns the message for a body value of the wrong JSON type, such as `must be a string; got number 5;
 * send the text in double quotes, such as "5"`. Bodies are validated without type coercion
 * (body-validator.ts), so the value is the one the client sent. Returns undefined for other issues, and
 * for a number that fails a number type (a fraction for `integer`, or Infinity), which the range message
 * describes.
 */
function bodyTypeMessage(issue: AjvIssue): string | undefined {
  const expected = issue.parentSchema?.type;
  if (issue.keyword !== 'type' || typeof expected !== 'string') return undefined;
  const actual = jsonType(issue.data);
  if (actual === 'number' && (expected === 'number' || expected === 'integer')) return undefined;
  const requirement = numberRequirement(issue.parentSchema) ?? `must be ${TYPE_NAMES[expected] ?? expected}`;
  // A field marked `writeOnly`, such as a password, is named by its type only, so its value is not echoed.
  const secret = issue.parentSchema?.writeOnly === true;
  const received = actual === 'null' || secret ? actual : `${actual} ${shownValue(issue.data)}`;
  return `${requirement}; got ${received}; ${typeFix(expected, issue.data, secret, issue.parentSchema)}`;
}

/** Ajv keywords that a string outside its schema fails. */
const STRING_KEYWORDS = new Set(['pattern', 'minLength', 'maxLength']);

/**
 * Returns the message for a string that fails its pattern or a length bound, with the whole rule of the
 * schema and the value received, such as `must be text without control characters, 1 to 200 characters;
 * got "\u0001"`. A pattern without a rule in string-rules.ts keeps Ajv's message, which quotes the pattern.
 * Returns undefined for other issues, and for a length bound of a string without a pattern, whose Ajv
 * message states the bound.
 */
function stringRuleMessage(issue: AjvIssue): string | undefined {
  const schema = issue.parentSchema;
  if (!STRING_KEYWORDS.has(issue.keyword) || schema === undefined || schema.pattern === undefined) return undefined;
  const form = patternRule(schema.pattern);
  if (form === undefined)
    return issue.keyword === 'pattern' ? `${issue.message}; got ${shownValue(issue.data)}` : undefined;
  const length = lengthRule(schema);
  const rule = length === undefined ? form : `${form}, ${length}`;
  return `must be ${rule}; got ${shownValue(issue.data)}`;
}

const CONTEXT_NAMES: Record<string, string> = {
  querystring: 'query',
  body: 'body',
  params: 'params',
  headers: 'headers',
};

/** Turns one Ajv issue into a field path and a message that names the allowed values. */
export function describeIssue(context: string, issue: AjvIssue): FieldProblem {
  const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
  const missing = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof missing === 'string') segments.push(missing);
  const field = [CONTEXT_NAMES[context] ?? context, ...segments].join('.');
  const typeMessage = context === 'body' ? bodyTypeMessage(issue) : undefined;
  let message = typeMessage ?? numberRangeMessage(issue) ?? stringRuleMessage(issue) ?? issue.message ?? 'is invalid';
  if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) {
    message = `must be one of: ${issue.params.allowedValues.join(', ')}`;
  } else if (issue.keyword === 'required') {
    message = 'is required';
  } else if (issue.keyword === 'additionalProperties') {
    message = 'is not a known field; remove it';
  }
  return { field, message };
}
