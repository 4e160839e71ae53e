/**
 * Planning-day clock: times are whole minutes since midnight of the plan date, local time. Values of
 * 24:00 and later fall on the next day, so an overnight wave reads "18:00" to "30:00".
 */
import { z } from 'zod';

/** Clock time `H:MM` or `HH:MM` (hours 0-47) converted to minutes since midnight of the plan date. */
export const clockSchema = z
  .string()
  .regex(/^\d{1,2}:[0-5]\d$/, 'expected a clock time H:MM or HH:MM, hours 0-47')
  .transform((text, ctx) => {
    const [hours, minutes] = text.split(':').map(Number) as [number, number];
    if (hours > 47) {
      ctx.addIssue({ code: 'custom', message: `clock time ${text} is beyond the next day; use hours 0-47` });
      return z.NEVER;
    }
    return hours * 60 + minutes;
  });

/** Time window in minutes since midnight of the plan date. */
export const windowSchema = z
  .object({ start: clockSchema, end: clockSchema })
  .refine((window) => window.start <= window.end, 'window start must not be after its end');

export type TimeWindow = z.infer<typeof windowSchema>;

/** Formats minutes since midnight as `HH:MM`, with hours past 23 for the next day. */
export function formatClock(minutes: number): string {
  const whole = Math.round(minutes);
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}
