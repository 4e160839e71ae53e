import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPlanningSetup } from '../../gateway/planning/planning-check.js';
import { planningConfigSchema } from '../../gateway/planning/planning-config.js';
import { runCli } from '../gateway/cli/run-cli.js';

const folder = mkdtempSync(join(tmpdir(), 'coldpool-scenario-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const missing = join(folder, 'nope.yaml');
const prose = join(folder, 'notes.md');
writeFileSync(prose, '# Notes\n\nThis file is prose.\nIt is no scenario: it has a colon, and more lines\n');
const brokenJson = join(folder, 'broken.json');
writeFileSync(brokenJson, '{ "name": "x", }');
const scalar = join(folder, 'scalar.yaml');
writeFileSync(scalar, 'just a line of text\n');
const folderPath = join(folder, 'a-folder.yaml');
mkdirSync(folderPath);

/** Returns the messages of `checkPlanningSetup` for an enabled planner on `file`. */
function setupProblems(file: string): string[] {
  const config = planningConfigSchema.parse({ enabled: true, scenario_file: file, schedules: [] });
  try {
    checkPlanningSetup(config);
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  throw new Error('checkPlanningSetup accepted the file');
}

describe('plan scenario file errors', () => {
  it('names a missing file', async () => {
    const result = await runCli(['plan', '--scenario', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--scenario ${missing}: file not found; give the path of a scenario file`);
    expect(result.stderr).not.toContain('ENOENT');
  });

  it('names a file that is not YAML', async () => {
    const result = await runCli(['plan', '--scenario', prose]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--scenario ${prose}: not valid YAML at line 3, column 1`);
    expect(result.stderr).toContain('give a scenario in YAML or JSON');
  });

  it('names a file that is not JSON', async () => {
    const result = await runCli(['plan', '--scenario', brokenJson]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--scenario ${brokenJson}: not valid JSON`);
  });

  it('names a file without a mapping', async () => {
    const result = await runCli(['plan', '--scenario', scalar]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--scenario ${scalar}: contains a string, not a mapping of scenario keys`);
  });

  it('names a folder', async () => {
    const result = await runCli(['plan', '--scenario', folderPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--scenario ${folderPath}: is a folder, not a file`);
  });
});

describe('planning scenario_file errors', () => {
  it('names a missing file', () => {
    expect(setupProblems(missing)).toEqual([
      `planning.scenario_file ${missing}: file not found; give the path of a scenario file, such as examples/plan/county.yaml`,
    ]);
  });

  it('names a file that is not YAML', () => {
    const [problem] = setupProblems(prose);
    expect(problem).toMatch(/^planning\.scenario_file \S+notes\.md: not valid YAML at line 3, column 1 \(/);
  });
});
