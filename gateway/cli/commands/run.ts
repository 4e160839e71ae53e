import type { Command } from 'commander';
import { parseHttpAddress } from '../../api/gateway-api.js';
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
      if (options.http !== undefined) {
        const { host, port } = parseHttpAddress(options.http);
        resolved.config.http = { ...resolved.config.http, enabled: true, host, port };
      }
      const log = createLogger({ level: resolved.config.log_level, pretty: options.pretty ?? false });
      const gateway = new Gateway(resolved, log, { config_path: options.config });
      onShutdownSignal(() => gateway.stop(), log);
      await gateway.start();
    });
}
