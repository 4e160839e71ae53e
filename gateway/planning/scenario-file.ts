/**
 * Reads a scenario file for `coldpool plan --scenario` and for `planning.scenario_file`, with messages
 * that name the option or setting, the file, what is wrong and the fix.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** An example that the messages point to, shipped in the repository. */
const EXAMPLE = 'examples/plan/county.yaml';

/** A scenario file is missing, unreadable, not YAML or JSON, or contains no mapping. */
export class ScenarioFileError extends Error {
  readonly code = 'SCENARIO_FILE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFileError';
  }
}

function readProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `file not found; give the path of a scenario file, such as ${EXAMPLE}`;
    case 'EISDIR':
      return `is a folder, not a file; give the path of a scenario file, such as ${EXAMPLE}`;
    case 'EACCES':
      return 'permission denied; make the file readable by the user that runs coldpool';
    default:
      return `cannot be read: ${error.message}`;
  }
}

function parseProblem(error: Error): string {
  const fix = `give a scenario in YAML or JSON, such as ${EXAMPLE}`;
  if (error instanceof YAMLParseError) {
    // The yaml package appends ` at line L, column C:` and a source excerpt; the position is given separately here.
    const reason = error.message.split(' at line ')[0];
    const position = error.linePos?.[0];
    const where = position === undefined ? '' : ` at line ${position.line}, column ${position.col}`;
    return `not valid YAML${where} (${reason}); ${fix}`;
  }
  return `not valid JSON (${error.message}); ${fix}`;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'no document';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/**
 * Reads and parses `file`: JSON when its name ends in `.json`, YAML otherwise. `source` is the option or
 * setting that named the file (`--scenario`, `planning.scenario_file`), for the message. Returns the
 * parsed mapping, which the scenario schema still has to check. Throws `ScenarioFileError`.
 */
export function readScenarioFile(file: string, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioFileError(`${source} ${file}: ${readProblem(error as NodeJS.ErrnoException)}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ScenarioFileError(`${source} ${file}: ${parseProblem(error as Error)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioFileError(
      `${source} ${file}: contains ${kindOf(data)}, not a mapping of scenario keys ` +
        `(name, plan_date, wave, sites, vehicles, orders); start from ${EXAMPLE}`,
    );
  }
  return data as Record<string, unknown>;
}
