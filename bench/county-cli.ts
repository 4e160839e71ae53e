/**
 * Stand-alone entry for the planning command with the same options as `coldpool plan`:
 * `node dist/bench/county-cli.js plan --scenario examples/plan/county.yaml`.
 */
import { Command } from 'commander';
import { registerPlanCommand } from '../gateway/cli/commands/plan.js';

const program = new Command('coldpool-plan');
registerPlanCommand(program);
await program.parseAsync(process.argv);
