/**
 * Checks of the `coldpool report` options that choose the asset profile: `--class` and `--kind` set it
 * without `--config`, and the configuration file sets it with `--config`.
 */
import { assetKindSchema } from '../../alarms/alarm-config.js';
import { TEMPERATURE_CLASSES } from '../../alarms/temperature-classes.js';

/** Temperature class of a report without `--config` and without `--class`. */
export const DEFAULT_REPORT_CLASS = 'chilled';

/**
 * Values `--class` takes: the temperature classes with limits of their own. A custom class takes its
 * limits from an alarms.assets entry, so it comes only from `--config`.
 */
export const REPORT_CLASSES: readonly string[] = TEMPERATURE_CLASSES.filter((name) => name !== 'custom');

/** Options of `coldpool report` that choose the asset profile. `class` and `kind` are undefined when not given. */
export interface ProfileOptions {
  asset?: string;
  config?: string;
  class?: string;
  kind?: string;
}

/** Throws with the option, the value typed and the valid values when `value` is not one of `valid`. */
function checkChoice(option: string, noun: string, value: string | undefined, valid: readonly string[]): void {
  if (value === undefined || valid.includes(value)) return;
  throw new Error(`${option} ${value} is not a valid ${noun}; use one of ${valid.join(', ')}`);
}

/** Throws when `option` was given together with `--config`, which sets the same setting from the file. */
function checkNotWithConfig(option: string, setting: string, value: string | undefined, options: ProfileOptions) {
  if (value === undefined || options.config === undefined) return;
  const asset = options.asset ?? 'the asset';
  throw new Error(
    `${option} ${value} cannot be combined with --config: the ${setting} of ${asset} comes from its ` +
      `alarms.assets entry in ${options.config}. Remove ${option}, or change the entry's ${setting}`,
  );
}

/**
 * Throws for a `--class` or `--kind` that is not valid, that `--config` would override, or, for
 * `--class custom` without `--config`, that has no limits: a custom class takes its storage range
 * from the configuration.
 */
export function checkProfileOptions(options: ProfileOptions): void {
  checkNotWithConfig('--class', 'class', options.class, options);
  checkNotWithConfig('--kind', 'kind', options.kind, options);
  if (options.class === 'custom') {
    throw new Error(
      "--class custom has no limits of its own: it takes low_c and high_c from the asset's alarms.assets " +
        `entry in a gateway configuration. Pass that file as --config FILE in place of --class, or use one of ${REPORT_CLASSES.join(', ')}`,
    );
  }
  checkChoice('--class', 'temperature class', options.class, REPORT_CLASSES);
  checkChoice('--kind', 'asset kind', options.kind, assetKindSchema.options);
}
