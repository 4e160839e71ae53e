import { resolve } from 'node:path';
import type { Command } from 'commander';
import { countText } from '../../../scheduler/common/count-text.js';
import { slowPollWarnings, unmatchedAssetWarnings } from '../../config/alarm-coverage-warnings.js';
import { ConfigError, joinPath } from '../../config/config-error.js';
import { fieldTypeConflictWarnings } from '../../config/field-type-warnings.js';
import { loadConfig } from '../../config/load.js';
import { noInputsWarning } from '../../config/no-inputs-warning.js';
import { wholeTruckAssetWarnings } from '../../config/whole-truck-warnings.js';
import { readSecret, SecretError } from '../../secrets.js';
import { expiredTokenWarnings } from '../../security/expired-token-warnings.js';
import { checkStartupSecurity } from '../../security/startup-check.js';
import { checkPlanning } from './run.js';

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

/**
 * Returns the configuration file of `check-config`, given as an argument or as `--config` like `coldpool
 * run` takes it. Returns an error message when neither is given or when the two name different files.
 */
function chooseConfigFile(
  positional: string | undefined,
  option: string | undefined,
): { file: string } | { error: string } {
  if (positional !== undefined && option !== undefined && resolve(positional) !== resolve(option)) {
    return {
      error: `check-config: two different configuration files given, ${positional} and --config ${option}. Give only one.`,
    };
  }
  const file = positional ?? option;
  if (file === undefined) {
    return {
      error: 'check-config: missing configuration file. Give it as check-config FILE or check-config --config FILE.',
    };
  }
  return { file };
}

/** `coldpool check-config FILE` or `--config FILE`: validates a file, prints every problem, exits 1 when there are any. */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file and list every error with its key path')
    .argument('[file]', 'YAML configuration file')
    .option('-c, --config <file>', 'YAML configuration file, as coldpool run takes it')
    .action(async (positional: string | undefined, options: { config?: string }) => {
      const chosen = chooseConfigFile(positional, options.config);
      if ('error' in chosen) {
        process.stderr.write(`${chosen.error}\n`);
        process.exitCode = 1;
        return;
      }
      const { file } = chosen;
      try {
        const { config, devices, subscriptions, file_warnings = [] } = loadConfig(file);
        const security = checkStartupSecurity(config, file);
        const errors = [...security.errors, ...(await checkPlanning(config.planning))];
        if (errors.length > 0) {
          for (const message of errors) process.stderr.write(`${file}: ${message}\n`);
          process.stderr.write('coldpool run would refuse to start with this file\n');
          process.exitCode = 1;
          return;
        }
        process.stdout.write(
          `${file}: valid (${countText(devices.length, 'device')}, ${countText(subscriptions.length, 'wildcard subscription')})\n`,
        );
        for (const message of security.warnings) process.stderr.write(`warning: ${message}\n`);
        // The file is valid either way, but `coldpool run` in this environment would stop at these.
        for (const message of unreadableSecrets(config)) {
          process.stderr.write(`warning: coldpool run in this environment would stop at start: ${message}\n`);
        }
        const noInputs = noInputsWarning({ devices, subscriptions }, file);
        if (noInputs !== undefined) process.stderr.write(`warning: ${noInputs}\n`);
        const resolved = { config, devices, subscriptions };
        const settingWarnings = [
          ...unmatchedAssetWarnings(resolved),
          ...wholeTruckAssetWarnings(resolved),
          ...slowPollWarnings(resolved),
          ...fieldTypeConflictWarnings(resolved),
          ...expiredTokenWarnings(config.http.auth, Date.now()),
          ...file_warnings,
        ];
        for (const message of settingWarnings) process.stderr.write(`warning: ${message}\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
