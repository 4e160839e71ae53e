import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { readBuiltInProfiles } from '../../devices/profiles/catalog.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { type ProfileConfig, profileSchema } from './device-schema.js';
import { labelEntries } from './entry-labels.js';
import { formatIssues } from './format-issues.js';
import { type ResolvedConfig, resolveConfig } from './resolve.js';
import { ignoredScheduleDayWarnings } from './schedule-day-warnings.js';
import { configSchema, type GatewayConfig } from './schema.js';
import { schemaAt } from './schema-keys.js';

/**
 * Returns `line L, column C` of a YAML error at `offset`, and whether the line starts with indentation. The yaml package places an error about a
 * wrongly indented line (`Sequence item without - indicator`) at the line's first character, so the
 * position moves past the indentation to the first character of the content that is out of place.
 */
function errorPosition(text: string, offset: number, lineCounter: LineCounter): { where: string; indented: boolean } {
  let start = offset;
  while (text[start] === ' ' || text[start] === '\t') start++;
  const atLineStart = offset === 0 || text[offset - 1] === '\n';
  const lineContinues = start < text.length && text[start] !== '\n' && text[start] !== '\r';
  const indented = atLineStart && lineContinues && start > offset;
  const position = lineCounter.linePos(indented ? start : offset);
  return { where: `line ${position.line}, column ${position.col}`, indented };
}

/** Parses YAML text into plain data, turning syntax errors into problems with line and column. */
function parseYaml(text: string): { data: unknown; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problems = document.errors.map((error) => {
    const { where, indented } = errorPosition(text, error.pos[0], lineCounter);
    // The problem's path already gives the line and column that the yaml package appends to its message.
    const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^\s*("[^"]*"|'[^']*'|[^:,}\n]*)/.exec(text.slice(error.pos[0]))?.[1]?.trim() ?? '';
      return { path: where, message: `invalid YAML: key ${key} appears twice in the same mapping; keep one of them` };
    }
    const hint = indented ? '; indent this line like the other keys of its mapping' : '';
    return { path: where, message: `invalid YAML: ${message}${hint}` };
  });
  if (problems.length > 0) return { data: undefined, problems };
  try {
    return { data: document.toJS({ maxAliasCount: 100 }), problems };
  } catch (error) {
    // The yaml package throws a plain ReferenceError for an unresolved alias or an alias bomb.
    return { data: undefined, problems: [{ path: '(file)', message: `invalid YAML: ${(error as Error).message}` }] };
  }
}

let builtInCache: Record<string, ProfileConfig> | undefined;

/** Loads and validates the profiles that ship in devices/profiles; a broken one is a bug, so it throws. */
export function builtInProfiles(): Record<string, ProfileConfig> {
  if (builtInCache) return builtInCache;
  const profiles: Record<string, ProfileConfig> = {};
  for (const file of readBuiltInProfiles()) {
    const { data, problems } = parseYaml(file.text);
    const result = profileSchema.safeParse(data, { reportInput: true });
    if (problems.length > 0 || !result.success) {
      const found = result.success
        ? problems
        : formatIssues(result.error.issues, (path) => schemaAt(profileSchema, data, path), data);
      throw new ConfigError(file.path, found);
    }
    profiles[file.name] = result.data;
  }
  builtInCache = profiles;
  return profiles;
}

/**
 * Validates configuration text. The schema's problems are thrown together as one `ConfigError`, and
 * the cross-key rules run once the schema passes. A file with no document, or only a null one (empty,
 * comments only, `~`), is rejected too, because a gateway with every default reads no device. Nothing
 * here touches the network.
 */
export function parseConfig(text: string, file = '<config>'): ResolvedConfig {
  const { data, problems } = parseYaml(text);
  if (problems.length > 0) throw new ConfigError(file, problems);
  if (data === null || data === undefined) {
    const message =
      'the file contains no settings (it is empty, contains only comments, or is null); ' +
      'start from an example under examples/config/, such as examples/config/mqtt-room-node.yaml';
    throw new ConfigError(file, [{ path: '(file)', message }]);
  }
  return validateConfig(data, file);
}

/**
 * Last line of a schema error. The checks across sections (profile names, unique ids, field names of a
 * device) need a file that passes the schema, so they run only once its errors are fixed.
 */
const SECOND_STAGE_NOTE =
  'Profile names, duplicate ids and field names are checked once these are fixed; run check-config again.';

/** Validates configuration data that is already parsed (a built-in demo config, for example). */
export function validateConfig(data: unknown, file = '<config>'): ResolvedConfig {
  const result = configSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    const problems = formatIssues(result.error.issues, (path) => schemaAt(configSchema, data, path), data);
    throw new ConfigError(file, labelEntries(problems, data), SECOND_STAGE_NOTE);
  }
  placeStateFiles(result.data, data);
  const { resolved, problems: crossProblems } = resolveConfig(result.data, builtInProfiles());
  if (crossProblems.length > 0) throw new ConfigError(file, labelEntries(crossProblems, data));
  return { ...resolved, file_warnings: ignoredScheduleDayWarnings(result.data, data) };
}

/**
 * Puts the alarm records, plan and session stores that the file does not place in the local store's folder. One
 * `outputs.local_store.path` then keeps all of a gateway's state files together (`data/` by default),
 * and two gateways with different folders never share a file.
 */
function placeStateFiles(config: GatewayConfig, data: unknown): void {
  const folder = dirname(config.outputs.local_store.path);
  const section = (key: string): Record<string, unknown> | undefined => {
    const value = (data as Record<string, unknown> | null | undefined)?.[key];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  };
  if (section('alarms')?.store_path === undefined) config.alarms.store_path = join(folder, 'records.db');
  if (section('planning')?.store_path === undefined) config.planning.store_path = join(folder, 'plans.db');
  const auth = section('http')?.auth as Record<string, unknown> | undefined;
  if (config.http.auth !== undefined && auth?.session_store_path === undefined) {
    config.http.auth.session_store_path = join(folder, 'sessions.db');
  }
}

/** Reads and validates a configuration file. */
export function loadConfig(file: string): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read the configuration file: ${reason}` }]);
  }
  return parseConfig(text, file);
}
