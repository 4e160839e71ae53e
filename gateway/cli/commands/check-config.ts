import type { Command } from 'commander';
import { ConfigError, joinPath } from '../../config/config-error.js';
import { loadConfig } from '../../config/load.js';
import { readSecret, SecretError } from '../../secrets.js';

/**
 * Returns a message for every `password_env` or `password_file` in the config that cannot be read now,
 * as `coldpool run` would find it in this environment.
 */
function unreadableSecrets(value: unknown, path: PropertyKey[] = []): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => unreadableSecrets(item, [...path, index]));
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const env = record.password_env;
  const file = record.password_file;
  if (typeof env === 'string' || typeof file === 'string') {
    try {
      readSecret(
        {
          password_env: typeof env === 'string' ? env : undefined,
          password_file: typeof file === 'string' ? file : undefined,
        },
        joinPath(path),
      );
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      problems.push(error.message);
    }
  }
  for (const [key, child] of Object.entries(record)) problems.push(...unreadableSecrets(child, [...path, key]));
  return problems;
}

/** `coldpool check-config FILE`: validates a file, prints every problem, exits 1 when there are any. */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file and list every error with its key path')
    .argument('<file>', 'YAML configuration file')
    .action((file: string) => {
      try {
        const { config, devices, subscriptions } = loadConfig(file);
        process.stdout.write(
          `${file}: valid (${devices.length} devices, ${subscriptions.length} wildcard subscriptions)\n`,
        );
        // The file is valid either way, but `coldpool run` in this environment would stop at these.
        for (const message of unreadableSecrets(config)) process.stderr.write(`warning: ${message}\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
