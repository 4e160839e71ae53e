/**
 * Stand-alone entry for the Solomon benchmark with the same options as `coldpool bench solomon`:
 * `node dist/bench/solomon-cli.js bench solomon --data bench/data/solomon --time-limit 2`.
 */
import { Command } from 'commander';
import { registerBenchCommand } from '../gateway/cli/commands/bench.js';

const program = new Command('coldpool-bench');
registerBenchCommand(program);
await program.parseAsync(process.argv);
