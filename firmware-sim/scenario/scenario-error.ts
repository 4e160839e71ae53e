/** One thing wrong in a scenario file, at a key path such as `timeline[2].duration_min`. */
export interface ScenarioProblem {
  path: string;
  message: string;
}

/** Raised when a scenario file cannot be read, is not YAML, or does not match the schema. */
export class ScenarioError extends Error {
  readonly code = 'SCENARIO_INVALID';

  constructor(
    readonly file: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    const lines = problems.map((problem) => `  ${problem.path || '(file)'}: ${problem.message}`);
    super(`Scenario ${file} is invalid; fix these keys:\n${lines.join('\n')}`);
    this.name = 'ScenarioError';
  }
}

/** Formats a key path as `a.b[2].c`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}
