import type { z } from 'zod';
import { valueAt } from '../../scheduler/model/scenario-problems.js';
import { type ConfigProblem, joinPath, showValue } from './config-error.js';
import { maskConfigSecrets } from './mask-secrets.js';
import { describeBounds, numberBoundsOf } from './number-bounds.js';
import { objectKeys } from './schema-keys.js';

/** Levenshtein distance, for "did you mean" hints on misspelt keys. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Returns the known name closest to `key` by edit distance, or undefined when none is close enough to suggest. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Returns the schema of the value at `path` of the parsed input, or undefined where none is found. */
export type SchemaAt = (path: readonly PropertyKey[]) => z.core.$ZodType | undefined;

/**
 * Message for an unknown key. A clear-text `password` where the section takes `password_env` or
 * `password_file` gets a pointer to those, because the file is no place for the secret itself.
 */
function unknownKeyMessage(key: string, hint: string | undefined, known: readonly string[]): string {
  if (key === 'password' && (known.includes('password_env') || known.includes('password_file'))) {
    return 'unknown key: passwords are not read from the configuration file; put it in an environment variable named by password_env or in a file named by password_file';
  }
  return hint ? `unknown key; did you mean "${hint}"?` : 'unknown key; remove it or check its spelling';
}

/** Returns the kind of a YAML value in the words of the file: `a string`, `a list`, `.inf`. */
function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return '.nan';
    if (!Number.isFinite(input)) return input > 0 ? '.inf' : '-.inf';
    return Number.isInteger(input) ? 'a whole number' : 'a number with a fraction';
  }
  if (typeof input === 'object') return 'a mapping';
  return `a ${typeof input}`;
}

/** Words for what a zod `invalid_type` issue expected, as a YAML file writes them. */
const EXPECTED: Record<string, string> = {
  int: 'a whole number',
  number: 'a finite number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
};

/** Lists the allowed values of an enum or literal as YAML would quote them: `"holding", "input"`. */
function listValues(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'bigint' ? String(value) : JSON.stringify(value))).join(', ');
}

/**
 * Rewrites zod's type and range messages (`expected int, received number`) in the words of the file. A
 * number schema with bounds adds them: `must be a whole number from 1 to 100000, not a string`.
 */
function messageOf(issue: z.core.$ZodIssue, input: unknown, schema: z.core.$ZodType | undefined): string {
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    // zod's text (`Too big: expected number to be <=65535`) becomes the range in the words of the file.
    const bounds = numberBoundsOf(schema);
    if (bounds) return `must be ${bounds.integer ? 'a whole number' : 'a number'} ${describeBounds(bounds)}`;
  }
  // zod's own text (`Invalid option: expected one of "a"|"b"`) is rewritten, but a schema's custom message is kept.
  if (issue.code === 'invalid_value' && /^Invalid (option|input)\b/.test(issue.message)) {
    return `must be one of ${listValues(issue.values)}`;
  }
  if (issue.code !== 'invalid_type') return issue.message;
  const bounds = issue.expected === 'number' || issue.expected === 'int' ? numberBoundsOf(schema) : undefined;
  if (bounds) {
    const kind = bounds.integer ? 'a whole number' : 'a finite number';
    return `must be ${kind} ${describeBounds(bounds)}, not ${kindOf(input)}`;
  }
  const expected = EXPECTED[issue.expected];
  return expected === undefined ? issue.message : `must be ${expected}, not ${kindOf(input)}`;
}

/**
 * Message for a required key that is absent: `is missing; expected a whole number from 0 to 65535` or
 * `is missing; expected one of "holding", "input"`. Returns undefined for an issue of a present value.
 */
function missingMessage(
  issue: z.core.$ZodIssue,
  input: unknown,
  schema: z.core.$ZodType | undefined,
): string | undefined {
  if (input !== undefined) return undefined;
  if (issue.code === 'invalid_type') {
    const bounds = issue.expected === 'number' || issue.expected === 'int' ? numberBoundsOf(schema) : undefined;
    if (bounds)
      return `is missing; expected ${bounds.integer ? 'a whole number' : 'a number'} ${describeBounds(bounds)}`;
    return `is missing; expected ${EXPECTED[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === 'invalid_value') {
    return `is missing; expected one of ${listValues(issue.values)}`;
  }
  return undefined;
}

/**
 * Returns true when the value at `path` may be a secret, judged by the last key name on the path. A
 * password pasted where a variable name belongs must not be echoed back to a terminal or a log, but keys
 * beside a secret, such as `http.auth.tokens[0].expires_at`, are shown.
 */
function isSecretPath(path: readonly PropertyKey[]): boolean {
  const key = path.findLast((each) => typeof each === 'string');
  return typeof key === 'string' && /password|token|secret/i.test(key);
}

/** Returns a mapping or list with its secrets masked, and any other value as it is. */
function maskObjectSecrets(input: unknown): unknown {
  return typeof input === 'object' && input !== null ? maskConfigSecrets(input) : input;
}

/**
 * Returns the value a problem shows. A refinement of a mapping that raises an issue on a child key
 * (`path: ['scenario_file']`) without setting `input` gets the whole mapping, defaults filled in, as
 * its input from zod. So a custom issue shows the document's value at its path, and no value where
 * the key is absent from the document and the input is a mapping or a list.
 */
function shownInput(issue: z.core.$ZodIssue, data: unknown): unknown {
  const input = 'input' in issue ? issue.input : undefined;
  if (issue.code !== 'custom') return input;
  const written = valueAt(data, issue.path);
  if (written !== undefined) return written;
  return input !== null && typeof input === 'object' ? undefined : input;
}

/**
 * Turns zod issues into problems that name the key path, the bad value and what is allowed. `data` is
 * the parsed document that the issue paths start from.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], schemaAt: SchemaAt, data: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = objectKeys(schemaAt(issue.path));
        const hint = closestKey(key, known);
        problems.push({ path: joinPath([...issue.path, key]), message: unknownKeyMessage(key, hint, known) });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Branch issues carry paths relative to the union. Several branches failing on the same key
      // (`qos: 7` against the literals 0 and 1) become one problem that lists what each allows.
      const branches = issue.errors.flat().map((branch) => ({ ...branch, path: [...issue.path, ...branch.path] }));
      const merged = new Map<string, ConfigProblem>();
      for (const problem of formatIssues(branches, schemaAt, data)) {
        const seen = merged.get(problem.path);
        if (seen) seen.message = `${seen.message}, or ${problem.message}`;
        else merged.set(problem.path, { ...problem });
      }
      problems.push(...merged.values());
      continue;
    }
    const input = shownInput(issue, data);
    const missing = missingMessage(issue, input, schemaAt(issue.path));
    if (missing !== undefined) {
      problems.push({ path: joinPath(issue.path), message: missing });
      continue;
    }
    if (input === undefined && issue.code === 'custom') {
      problems.push({ path: joinPath(issue.path), message: issue.message });
      continue;
    }
    problems.push({
      path: joinPath(issue.path),
      value: isSecretPath(issue.path) ? '[hidden]' : showValue(maskObjectSecrets(input)),
      message: messageOf(issue, input, schemaAt(issue.path)),
    });
  }
  return problems;
}
