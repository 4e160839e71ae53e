import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../firmware-sim/scenario/load-scenario.js';
import { ScenarioError } from '../../../firmware-sim/scenario/scenario-error.js';

const VALID = `
name: small
run: { start: "2026-07-15T22:00:00+08:00", duration_min: 60 }
site:
  id: county
  rooms: [{ id: chill-1, kind: chilled }]
devices:
  - { id: node-1, protocol: mqtt, watches: chill-1 }
timeline:
  - { id: fail, at_min: 10, event: compressor_failure, asset: chill-1 }
expectations:
  - { expect: alarm, level: alarm, asset: chill-1, after: fail, within_min: 45 }
`;

/** Parses `text` and returns the problems of the ScenarioError it raises. */
function problemsOf(text: string): { path: string; message: string }[] {
  try {
    parseScenario(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  throw new Error('scenario was accepted');
}

describe('parseScenario', () => {
  it('fills defaults of a valid file', () => {
    const scenario = parseScenario(VALID);
    expect(scenario.run.time_scale).toBe(60);
    expect(scenario.site.rooms[0]?.volume_m3).toBe(60);
    expect(scenario.seed).toBe(1);
  });

  it('names the key path of a bad value', () => {
    const problems = problemsOf(VALID.replace('duration_min: 60', 'duration_min: -5'));
    expect(problems.map((p) => p.path)).toContain('run.duration_min');
  });

  it('names an unknown key', () => {
    const problems = problemsOf(VALID.replace('kind: chilled', 'kind: chilled, volum_m3: 3'));
    expect(problems[0]?.path).toBe('site.rooms[0]');
    expect(problems[0]?.message).toContain('volum_m3');
  });

  it('rejects an unknown event type', () => {
    const problems = problemsOf(VALID.replace('event: compressor_failure', 'event: meteor'));
    expect(problems[0]?.path).toBe('timeline[0].event');
  });

  it('rejects a device watching an unknown asset', () => {
    const problems = problemsOf(VALID.replace('watches: chill-1', 'watches: chill-9'));
    expect(problems[0]?.path).toBe('devices[0].watches');
    expect(problems[0]?.message).toContain('chill-1');
  });

  it('rejects an expectation after an unknown event', () => {
    const problems = problemsOf(VALID.replace('after: fail', 'after: nothing'));
    expect(problems[0]?.path).toBe('expectations[0].after');
  });

  it('rejects an event after the end of the run', () => {
    const problems = problemsOf(VALID.replace('at_min: 10', 'at_min: 90'));
    expect(problems[0]?.path).toBe('timeline[0].at_min');
  });

  it('reports YAML syntax errors with a line', () => {
    const problems = problemsOf('name: [unclosed');
    expect(problems[0]?.path).toMatch(/^line \d+/);
  });

  it('carries a stable error code', () => {
    expect(() => parseScenario('name: x')).toThrowError(expect.objectContaining({ code: 'SCENARIO_INVALID' }));
  });
});
