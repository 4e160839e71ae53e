/**
 * Warnings for `planning.schedules[].day` keys that have no effect because `planning.plan_date` is
 * `scenario`, where every round plans the scenario file's `plan_date`. `coldpool run` logs them at start
 * and `coldpool check-config` prints them.
 */
import type { GatewayConfig } from './schema.js';

/** Returns the `day` of the schedule at `index` as the file writes it, or undefined when the file has none. */
function writtenDay(data: unknown, index: number): unknown {
  const planning = (data as Record<string, unknown> | null | undefined)?.planning;
  if (typeof planning !== 'object' || planning === null) return undefined;
  const schedules = (planning as Record<string, unknown>).schedules;
  if (!Array.isArray(schedules)) return undefined;
  const schedule: unknown = schedules[index];
  if (typeof schedule !== 'object' || schedule === null) return undefined;
  return (schedule as Record<string, unknown>).day;
}

/**
 * Returns one warning for each schedule whose `day` the file sets while `plan_date` is `scenario`.
 * `data` is the parsed file before defaults: a `day` that only the defaults add, such as that of the
 * default `nightly` schedule, gets no warning.
 */
export function ignoredScheduleDayWarnings(config: GatewayConfig, data: unknown): string[] {
  const planning = config.planning;
  if (!planning.enabled || planning.plan_date !== 'scenario') return [];
  const warnings: string[] = [];
  planning.schedules.forEach((schedule, index) => {
    if (writtenDay(data, index) === undefined) return;
    warnings.push(
      `planning.schedules[${index}].day (schedule ${schedule.name}) is ${schedule.day}, but planning.plan_date ` +
        "is scenario, so every round plans the scenario file's plan_date and day is ignored; set " +
        'planning.plan_date: rolling to plan the date of each tick plus day, or remove day',
    );
  });
  return warnings;
}
