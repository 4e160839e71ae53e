/**
 * `coldpool plan --scenario FILE`: reads a YAML or JSON scenario, runs one planning round with the
 * scheduler, and prints the plan, the unpooled baseline beside it, the settlement and, when the
 * scenario books cold-room space, zone utilisation before and after. Exit code 1 when the independent
 * checker finds the plan infeasible.
 */
import type { Command } from 'commander';
import { parseScenario, solverOptionsSchema } from '../../../scheduler/model/scenario.js';
import { planRound } from '../../../scheduler/plan-round.js';
import { formatPlanReport } from '../../../scheduler/report/format-plan.js';
import { readScenarioFile } from '../../planning/scenario-file.js';
import { numberOption } from './number-option.js';

/** Adds the `plan` command to `program`. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('plan one pooled delivery round from a scenario file and compare it with unpooled delivery')
    .requiredOption('--scenario <file>', 'scenario file, YAML (.yaml, .yml) or JSON (.json)')
    .option('--stops', 'list every stop under its route')
    .option('--json', 'print the whole report as JSON instead of text')
    // The options take the values that solver.seed and solver.time_limit_s of the scenario file take.
    .option('--seed <n>', 'override the scenario seed', numberOption(solverOptionsSchema.shape.seed.unwrap(), '1'))
    .option(
      '--time-limit <seconds>',
      'override the scenario time limit of the pooled construction and search, in seconds; the unpooled baseline searches for up to half as long again',
      numberOption(solverOptionsSchema.shape.time_limit_s.unwrap(), '8'),
    )
    .action(async (opts: { scenario: string; stops?: boolean; json?: boolean; seed?: number; timeLimit?: number }) => {
      const document = readScenarioFile(opts.scenario, '--scenario');
      const scenario = parseScenario(document, `scenario file ${opts.scenario}`);
      if (opts.seed !== undefined) scenario.solver.seed = opts.seed;
      if (opts.timeLimit !== undefined) scenario.solver.time_limit_s = opts.timeLimit;
      const report = planRound(scenario);
      if (opts.json) {
        const space = report.space
          ? { ...report.space, m3_days_by_room: Object.fromEntries(report.space.m3_days_by_room) }
          : undefined;
        console.log(JSON.stringify({ ...report, space }, null, 2));
      } else {
        for (const line of formatPlanReport(report, { stops: opts.stops ?? false })) console.log(line);
      }
      if (!report.check.feasible) process.exitCode = 1;
    });
}
