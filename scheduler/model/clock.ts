/**
 * Planning-day clock: times are whole minutes since midnight of the plan date, local time. Values of
 * 24:00 and later fall on the next day, so an overnight wave reads "18:00" to "30:00".
 */
import { z } from 'zod';

/** The accepted clock-time form, for error messages. */
export const CLOCK_FORM = 'H:MM or HH:MM from 0:00 to 47:59, where hours 24 to 47 fall on the next day';

/**
 * Message for a number where a clock time belongs. YAML 1.1 writers such as PyYAML read an unquoted
 * `17:00` as the base-60 integer 1020, so the message shows the time the number most likely was.
 */
function numberForClockMessage(value: number): string {
  const likely =
    Number.isInteger(value) && value >= 0 ? ` (${Math.floor(value / 60)}:${String(value % 60).padStart(2, '0')})` : '';
  return (
    `expected a clock time as a string, got the number ${value}${likely}; YAML 1.1 writers such as ` +
    'PyYAML read an unquoted 17:00 as the number 1020, so quote clock times: "17:00"'
  );
}

/** Clock time `H:MM` or `HH:MM` (hours 0-47) converted to minutes since midnight of the plan date. */
export const clockSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? numberForClockMessage(issue.input)
        : `expected a clock time ${CLOCK_FORM}, got ${issue.input === undefined ? 'nothing' : JSON.stringify(issue.input)}`,
  })
  .regex(/^\d{1,2}:[0-5]\d$/, {
    error: (issue) => `clock time ${JSON.stringify(issue.input)} is invalid; expected ${CLOCK_FORM}`,
  })
  .transform((text, ctx) => {
    const [hours, minutes] = text.split(':').map(Number) as [number, number];
    if (hours > 47) {
      ctx.addIssue({ code: 'custom', message: `clock time "${text}" is beyond the next day; expected ${CLOCK_FORM}` });
      return z.NEVER;
    }
    return hours * 60 + minutes;
  });

/** Time window in minutes since midnight of the plan date. */
export const windowSchema = z.object({ start: clockSchema, end: clockSchema }).check((ctx) => {
  const { start, end } = ctx.value;
  if (start > end) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `window start ${formatClock(start)} is after its end ${formatClock(end)}; swap them or use hours 24 to 47 for an end on the next day`,
    });
  }
});

export type TimeWindow = z.infer<typeof windowSchema>;

/** Formats minutes since midnight as `HH:MM`, with hours past 23 for the next day. */
export function formatClock(minutes: number): string {
  const whole = Math.round(minutes);
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}
