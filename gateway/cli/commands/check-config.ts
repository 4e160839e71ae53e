import type { Command } from 'commander';
import { ConfigError } from '../../config/config-error.js';
import { loadConfig } from '../../config/load.js';

/** `coldpool check-config FILE`: validates a file, prints every problem, exits 1 when there are any. */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file and list every error with its key path')
    .argument('<file>', 'YAML configuration file')
    .action((file: string) => {
      try {
        const { devices, subscriptions } = loadConfig(file);
        process.stdout.write(
          `${file}: valid (${devices.length} devices, ${subscriptions.length} wildcard subscriptions)\n`,
        );
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
