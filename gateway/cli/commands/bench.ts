/**
 * `coldpool bench solomon`: runs the scheduler's VRPTW solver on the Solomon instances and prints one
 * line per instance, then `mean_gap_pct=X`. Exit code 1 when any plan fails the feasibility check.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { formatBenchRow, meanGap, runSolomonBench, SCORED_AGAINST_OPTIMA } from '../../../bench/solomon.js';
import { solverOptionsSchema } from '../../../scheduler/model/scenario.js';
import { createProgress } from '../progress.js';
import { numberOption } from './number-option.js';

/** Adds the `bench` command group with its `solomon` subcommand to `program`. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('run solver benchmarks');
  bench
    .command('solomon')
    .description('solve the 56 Solomon VRPTW instances (distance only, unlimited fleet) and score them')
    .requiredOption('--data <dir>', 'folder with instances/ and the best-known CSV files (bench/data/solomon)')
    // The time limit and the seed take the values of solver.time_limit_s and solver.seed of a scenario.
    .requiredOption(
      '--time-limit <seconds>',
      'wall-clock limit per instance, in seconds',
      numberOption(solverOptionsSchema.shape.time_limit_s.unwrap(), '10'),
    )
    .option('--instances <list>', 'comma-separated instance names (default: all)')
    .option(
      '--seed <n>',
      'seed of the first search; more threads use the next seeds',
      numberOption(solverOptionsSchema.shape.seed.unwrap(), '1'),
      1,
    )
    .option(
      '--threads <n>',
      'independent searches per instance, one per worker thread (default: CPUs, max 4)',
      numberOption(z.number().int().min(1), '2'),
    )
    .action(async (opts: { data: string; timeLimit: number; instances?: string; seed: number; threads?: number }) => {
      console.log(
        `# gap against the distance-only double-precision best-known values; ${[...SCORED_AGAINST_OPTIMA].join(' and ')} ` +
          'are scored against the proven optima with truncated distances because their best-known rows are below those optima',
      );
      const names = opts.instances?.split(',').map((name) => name.trim().toUpperCase());
      const total =
        names?.length ?? readdirSync(join(opts.data, 'instances')).filter((file) => file.endsWith('.txt')).length;
      const progress = createProgress(total, 'solomon');
      const rows = await runSolomonBench(
        {
          data_dir: opts.data,
          time_limit_s: opts.timeLimit,
          seed: opts.seed,
          ...(names ? { instances: names } : {}),
          ...(opts.threads === undefined ? {} : { threads: opts.threads }),
        },
        (row) => {
          progress.clear();
          console.log(formatBenchRow(row));
          progress.tick(row.instance);
        },
      );
      progress.done();
      const infeasible = rows.filter((row) => !row.feasible).length;
      if (infeasible > 0) {
        console.log(`infeasible_plans=${infeasible}`);
        process.exitCode = 1;
      }
      console.log(`mean_gap_pct=${meanGap(rows).toFixed(2)}`);
    });
}
