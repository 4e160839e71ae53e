import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBenchCommand } from '../../../gateway/cli/commands/bench.js';

/** Parses one command line in this process and returns the error commander raised for it. */
async function optionError(register: (program: Command) => void, args: string[]): Promise<string> {
  const program = new Command('coldpool').exitOverride().configureOutput({ writeErr: () => {} });
  register(program);
  try {
    await program.parseAsync(['node', 'coldpool', ...args]);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

const bench = ['bench', 'solomon', '--data', 'bench/data/solomon', '--time-limit', '1'];

describe('numeric options of other commands', () => {
  it('bench rejects a fractional seed', async () => {
    const message = await optionError(registerBenchCommand, [...bench, '--seed', '1.5']);
    expect(message).toContain("option '--seed <n>' argument '1.5' is invalid. Give a whole number");
  });

  it('bench rejects a threads count of 0', async () => {
    const message = await optionError(registerBenchCommand, [...bench, '--threads', '0']);
    expect(message).toContain("option '--threads <n>' argument '0' is invalid. Give a whole number of at least 1");
  });

  it('bench rejects a time limit of abc', async () => {
    const message = await optionError(registerBenchCommand, ['bench', 'solomon', '--data', 'x', '--time-limit', 'abc']);
    expect(message).toContain(
      "option '--time-limit <seconds>' argument 'abc' is invalid. Give a number greater than 0",
    );
  });
});
