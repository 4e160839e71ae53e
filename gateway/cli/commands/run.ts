import type { Command } from 'commander';
import { parseHttpAddress } from '../../api/gateway-api.js';
import { ConfigError } from '../../config/config-error.js';
import { loadConfig } from '../../config/load.js';
import type { GatewayConfig } from '../../config/schema.js';
import { Gateway } from '../../gateway.js';
import { createLogger } from '../../logger.js';
import { checkStartupSecurity } from '../../security/startup-check.js';
import { onShutdownSignal } from '../shutdown.js';

/**
 * Returns one message per problem of an enabled `planning` section: invalid cron expressions and a
 * scenario file that cannot be read or is invalid. The gateway would find them only after its broker and
 * inputs started, so `run` and `check-config` check them first.
 */
export async function checkPlanning(planning: GatewayConfig['planning']): Promise<string[]> {
  if (!planning.enabled) return [];
  // Loaded only when planning is enabled, like the planner itself.
  const { checkPlanningSetup, PlanningSetupError } = await import('../../planning/planning-check.js');
  try {
    checkPlanningSetup(planning);
    return [];
  } catch (error) {
    if (!(error instanceof PlanningSetupError)) throw error;
    return error.problems;
  }
}

/** `coldpool run --config FILE`: runs a configured gateway until Ctrl-C or SIGTERM. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the gateway with a configuration file')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .option('--pretty', 'human-readable log lines instead of JSON')
    .option('--http <address>', 'serve the HTTP API and dashboard on HOST:PORT (overrides the http section)')
    .action(async (options: { config: string; pretty?: boolean; http?: string }) => {
      let resolved: ReturnType<typeof loadConfig>;
      try {
        resolved = loadConfig(options.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\nnothing was started; fix the file and run again\n`);
        process.exitCode = 1;
        return;
      }
      const planningProblems = await checkPlanning(resolved.config.planning);
      if (planningProblems.length > 0) {
        for (const message of planningProblems) process.stderr.write(`${options.config}: ${message}\n`);
        process.stderr.write('nothing was started; fix the file and run again\n');
        process.exitCode = 1;
        return;
      }
      if (options.http !== undefined) {
        const { host, port } = parseHttpAddress(options.http);
        resolved.config.http = { ...resolved.config.http, enabled: true, host, port };
      }
      // The gateway makes the same checks as it starts, but only after it has opened its stores.
      const securityErrors = checkStartupSecurity(resolved.config, options.config).errors;
      if (securityErrors.length > 0) {
        for (const message of securityErrors) process.stderr.write(`${options.config}: ${message}\n`);
        process.stderr.write('nothing was started; fix the file and run again\n');
        process.exitCode = 1;
        return;
      }
      const log = createLogger({ level: resolved.config.log_level, pretty: options.pretty ?? false });
      const gateway = new Gateway(resolved, log, { config_path: options.config });
      onShutdownSignal(() => gateway.stop(), log);
      await gateway.start();
    });
}
