import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/config/config-error.js';
import { parseConfig } from '../../../gateway/config/load.js';

/** Returns the problems `parseConfig` finds in `text`. */
function problemsOf(text: string): ConfigError['problems'] {
  try {
    parseConfig(text, 'site.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('parseConfig accepted the file');
}

describe('issues a refinement raises on a child key', () => {
  it('reports a missing scenario_file as missing', () => {
    const [problem] = problemsOf('planning:\n  enabled: true\n');
    expect(problem?.path).toBe('planning.scenario_file');
    expect(problem?.value).toBeUndefined();
    expect(problem?.message).toMatch(/^is required when planning is enabled; set it to /);
  });

  it('prints a missing key without a value', () => {
    expect(() => parseConfig('planning:\n  enabled: true\n', 'site.yaml')).toThrow(
      /\n {2}- planning\.scenario_file: is required when planning is enabled; set it to /,
    );
  });

  it('shows the child value, not the section', () => {
    const [problem] = problemsOf('planning:\n  enabled: true\n  scenario_file: s.yaml\n  time_zone: Mars/Olympus\n');
    expect(problem?.path).toBe('planning.time_zone');
    expect(problem?.value).toBe('"Mars/Olympus"');
  });

  it('shows a repeated list id', () => {
    const text = [
      'alarms:',
      '  assets:',
      '    - { id: room-1, class: chilled, kind: cold_room }',
      '    - { id: room-1, class: chilled, kind: cold_room }',
      '',
    ].join('\n');
    const problem = problemsOf(text).find((each) => each.path === 'alarms.assets[1].id');
    expect(problem?.value).toBe('"room-1"');
  });
});
