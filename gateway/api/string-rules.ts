/**
 * Patterns of the API's string parameters, each with the rule that a validation message states when a
 * value fails it. A schema's `description` states what a value means, so it is not the rule.
 */

/** A JSON Schema `pattern` and the accepted form it enforces, worded to follow "must be". */
export interface PatternRule {
  pattern: string;
  rule: string;
}

/** A field name of a reading, as line protocol and the local store accept it. */
export const FIELD_NAME_RULE: PatternRule = {
  pattern: '^[A-Za-z0-9_]+$',
  rule: 'letters, digits and underscores',
};

/** Any text without C0 control characters or DEL. */
export const NO_CONTROL_CHARACTERS_RULE: PatternRule = {
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  rule: 'text without control characters',
};

/** A clock time of a delivery window. Hours 24 to 47 reach into the next day. */
export const CLOCK_TIME_RULE: PatternRule = {
  pattern: '^([0-3]?[0-9]|4[0-7]):[0-5][0-9]$',
  rule: 'a clock time H:MM or HH:MM from 0:00 to 47:59, where hours 24 to 47 fall on the next day',
};

const RULES_BY_PATTERN: ReadonlyMap<string, string> = new Map(
  [FIELD_NAME_RULE, NO_CONTROL_CHARACTERS_RULE, CLOCK_TIME_RULE].map((entry) => [entry.pattern, entry.rule]),
);

/** Returns the rule of a pattern defined here, or undefined for any other pattern. */
export function patternRule(pattern: unknown): string | undefined {
  return typeof pattern === 'string' ? RULES_BY_PATTERN.get(pattern) : undefined;
}

/** Returns the length bounds of a string schema as text, such as `1 to 200 characters`, or undefined without any. */
export function lengthRule(schema: Record<string, unknown>): string | undefined {
  const min = typeof schema.minLength === 'number' ? schema.minLength : undefined;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  if (min !== undefined && max !== undefined) return `${min} to ${max} characters`;
  if (max !== undefined) return `at most ${max} characters`;
  if (min !== undefined) return `at least ${min} characters`;
  return undefined;
}
