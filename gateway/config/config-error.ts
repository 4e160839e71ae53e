import { countText } from '../../scheduler/common/count-text.js';
import { SECRET_PARAMS } from '../secrets.js';

/** One problem in a configuration file, located by its key path. */
export interface ConfigProblem {
  /** Key path as written in the file: `devices[2].poll_interval_s`. */
  path: string;
  /** The offending value, shortened for display; absent when the key is missing. */
  value?: string;
  /** What is wrong and what is allowed. */
  message: string;
  /** The list entry the path is in, by its id: `device ctrl-1`. */
  entry?: string;
}

/** Raised when a configuration file cannot be used; lists every problem found, not only the first. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];
  readonly file: string;

  /** `note` is a last line after the problems, such as what is checked only once they are fixed. */
  constructor(file: string, problems: readonly ConfigProblem[], note?: string) {
    super(
      `${file}: ${countText(problems.length, 'configuration error')}\n${formatProblems(problems)}` +
        (note === undefined ? '' : `\n${note}`),
    );
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((problem) => {
      const where = problem.path === '' ? '(top level)' : problem.path;
      const entry = problem.entry === undefined ? '' : ` (${problem.entry})`;
      const value = problem.value === undefined ? '' : ` = ${problem.value}`;
      return `  - ${where}${entry}${value}: ${problem.message}`;
    })
    .join('\n');
}

/**
 * Password of a URL's user information (`scheme://user:password@host`), up to the last `@`, so a pasted
 * password with a space or a slash in it is covered too.
 */
const URL_PASSWORD = /(\/\/[^/:@\s]*):.*@/;

/** A secret given as a query parameter, as InfluxDB 1.x takes `?u=user&p=password`. */
const QUERY_SECRET = new RegExp(`([?&](?:${[...SECRET_PARAMS].join('|')})=)[^&#\\s]*`, 'gi');

/**
 * Renders a value for an error message, bounded so a huge value cannot flood the terminal. The password
 * of a URL, in its user information or in a query parameter such as `p=`, is shown as `***`.
 */
export function showValue(value: unknown): string {
  // JSON has no Infinity or NaN and would print null, so these are shown as YAML spells them.
  if (typeof value === 'number' && !Number.isFinite(value)) {
    if (Number.isNaN(value)) return '.nan';
    return value > 0 ? '.inf' : '-.inf';
  }
  let text: string;
  try {
    const redacted =
      typeof value === 'string' ? value.replace(URL_PASSWORD, '$1:***@').replace(QUERY_SECRET, '$1***') : value;
    text = typeof redacted === 'string' ? JSON.stringify(redacted) : (JSON.stringify(redacted) ?? String(redacted));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Joins a key path the way a reader finds it in YAML: `devices[2].registers[0].address`. */
export function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
