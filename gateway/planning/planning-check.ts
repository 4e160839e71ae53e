/**
 * Start-up checks of the `planning` config section. `coldpool run` and `coldpool check-config` run them
 * before anything listens, and the planner runs them again when it starts.
 */
import cron from 'node-cron';
import { checkScenario, type Scenario } from '../../scheduler/model/scenario.js';
import { type PlanningConfig, SCENARIO_FILE_FIX } from './planning-config.js';
import { readScenarioFile, ScenarioFileError } from './scenario-file.js';

/** A schedule is not a valid cron expression, or the scenario file cannot be read or is invalid; planning does not start. */
export class PlanningSetupError extends Error {
  readonly code = 'PLANNING_SETUP_INVALID';
  /** One message per problem; `message` joins them with newlines. */
  readonly problems: string[];
  constructor(message: string, problems: string[] = [message]) {
    super(message);
    this.name = 'PlanningSetupError';
    this.problems = problems;
  }
}

function readScenario(file: string): Scenario {
  let data: unknown;
  try {
    data = readScenarioFile(file, 'planning.scenario_file');
  } catch (error) {
    if (!(error instanceof ScenarioFileError)) throw error;
    throw new PlanningSetupError(error.message);
  }
  const checked = checkScenario(data);
  if (checked.scenario === undefined) {
    const problems = checked.problems.map(
      (problem) => `planning.scenario_file ${file}: ${problem}; check it with coldpool plan --scenario ${file}`,
    );
    throw new PlanningSetupError(problems.join('\n'), problems);
  }
  return checked.scenario;
}

/**
 * Checks the schedules and reads the scenario file of an enabled planner. Returns the scenario, or
 * throws `PlanningSetupError` with one message per invalid schedule and per scenario problem.
 */
export function checkPlanningSetup(config: PlanningConfig): Scenario {
  const problems: string[] = [];
  for (const [index, schedule] of config.schedules.entries()) {
    if (!cron.validate(schedule.cron)) {
      problems.push(
        `planning.schedules.${index}.cron (${schedule.name}): "${schedule.cron}" is not a valid cron expression; ` +
          'use five or six fields such as "*/15 * * * *" (minute 0-59, hour 0-23)',
      );
    }
  }
  let scenario: Scenario | undefined;
  if (!config.scenario_file) {
    problems.push(`planning.scenario_file is required when planning is enabled; ${SCENARIO_FILE_FIX}`);
  } else {
    try {
      scenario = readScenario(config.scenario_file);
    } catch (error) {
      if (!(error instanceof PlanningSetupError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0 || scenario === undefined) throw new PlanningSetupError(problems.join('\n'), problems);
  return scenario;
}
