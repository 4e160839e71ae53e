import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerPlanCommand } from '../../gateway/cli/commands/plan.js';
import { runCli } from '../gateway/cli/run-cli.js';

const scenarioFile = 'tests/fixtures/planning/small-county.yaml';

/** Runs `coldpool plan` in this process and returns the error it raised, or undefined when it planned. */
async function planError(args: string[]): Promise<Error | undefined> {
  const program = new Command('coldpool').exitOverride().configureOutput({ writeErr: () => {} });
  registerPlanCommand(program);
  const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await program.parseAsync(['node', 'coldpool', 'plan', '--scenario', scenarioFile, ...args]);
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    spy.mockRestore();
  }
}

describe('plan numeric options', () => {
  const cases: Array<[string[], string]> = [
    [['--time-limit', '-3'], "option '--time-limit <seconds>' argument '-3' is invalid. Give a number greater than 0"],
    [
      ['--time-limit', 'abc'],
      "option '--time-limit <seconds>' argument 'abc' is invalid. Give a number greater than 0",
    ],
    [['--time-limit', '0'], "option '--time-limit <seconds>' argument '0' is invalid. Give a number greater than 0"],
    [['--time-limit', ''], "option '--time-limit <seconds>' argument '' is invalid. Give a number greater than 0"],
    [['--seed', '1.5'], "option '--seed <n>' argument '1.5' is invalid. Give a whole number"],
    [['--seed', 'abc'], "option '--seed <n>' argument 'abc' is invalid. Give a whole number"],
  ];
  for (const [args, expected] of cases) {
    it(`rejects ${args.join(' ')}`, async () => {
      const error = await planError(args);
      expect(error?.message).toContain(expected);
    });
  }

  it('accepts valid overrides', async () => {
    expect(await planError(['--time-limit', '2.5', '--seed', '-7'])).toBeUndefined();
  });

  it('exits with status 1', async () => {
    const result = await runCli(['plan', '--scenario', scenarioFile, '--time-limit', '-3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("argument '-3' is invalid. Give a number greater than 0");
    expect(result.stdout).toBe('');
  });
});
