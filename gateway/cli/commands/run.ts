import type { Command } from 'commander';
import { ConfigError } from '../../config/config-error.js';
import { loadConfig } from '../../config/load.js';
import { Gateway } from '../../gateway.js';
import { createLogger } from '../../logger.js';
import { onShutdownSignal } from '../shutdown.js';

/** `coldpool run --config FILE`: runs a configured gateway until Ctrl-C or SIGTERM. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the gateway with a configuration file')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .option('--pretty', 'human-readable log lines instead of JSON')
    .action(async (options: { config: string; pretty?: boolean }) => {
      let resolved: ReturnType<typeof loadConfig>;
      try {
        resolved = loadConfig(options.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\nnothing was started; fix the file and run again\n`);
        process.exitCode = 1;
        return;
      }
      const log = createLogger({ level: resolved.config.log_level, pretty: options.pretty ?? false });
      const gateway = new Gateway(resolved, log);
      onShutdownSignal(
        () => gateway.stop(),
        (message) => log.info(message),
      );
      await gateway.start();
    });
}
