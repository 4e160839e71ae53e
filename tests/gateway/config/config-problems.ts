import { ConfigError } from '../../../gateway/config/config-error.js';
import { parseConfig } from '../../../gateway/config/load.js';

/** Parses YAML config text and returns each problem as `path: message`, or none for a valid config. */
export function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}
