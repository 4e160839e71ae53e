import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { keyPath, ScenarioError, type ScenarioProblem } from './scenario-error.js';
import { checkReferences } from './scenario-references.js';
import { type Scenario, scenarioSchema } from './scenario-schema.js';

function showValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Validates parsed scenario data; raises `ScenarioError` with every problem and its key path. */
export function validateScenario(data: unknown, file = '<scenario>'): Scenario {
  const result = scenarioSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    const problems: ScenarioProblem[] = result.error.issues.map((issue) => {
      const path = keyPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        return { path, message: `unknown keys ${issue.keys.join(', ')}; remove them or check their spelling` };
      }
      const input = 'input' in issue ? issue.input : undefined;
      if (input === undefined && issue.code === 'invalid_type') {
        return { path, message: `is missing; expected ${issue.expected}` };
      }
      return { path, message: `${issue.message} (got ${showValue(input)})` };
    });
    throw new ScenarioError(file, problems);
  }
  const problems = checkReferences(result.data);
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return result.data;
}

/** Parses and validates scenario YAML text. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const path = position ? `line ${position.line}, column ${position.col}` : '';
      return { path, message: `invalid YAML: ${error.message.split('\n')[0]}` };
    });
    throw new ScenarioError(file, problems);
  }
  return validateScenario(document.toJS(), file);
}

/** Reads, parses and validates a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ScenarioError(file, [{ path: '', message: `cannot read the scenario file: ${reason}` }]);
  }
  return parseScenario(text, file);
}
