/** Messages in terms of the `coldpool audit calibration add` options for an invalid calibration record. */
import type { z } from 'zod';

/** Option of `coldpool audit calibration add` that sets each field of the calibration record. */
const OPTION_OF_FIELD: Record<string, string> = {
  probe: '--probe',
  certificate: '--certificate',
  calibrated_on: '--calibrated-on',
  due_on: '--due-on',
  offset_c: '--offset-c',
  by: '--by',
  laboratory: '--laboratory',
};

/** Returns the message for one issue, naming the option, the value given and the fix. */
function issueMessage(issue: z.core.$ZodIssue, record: Record<string, unknown>): string {
  const field = String(issue.path[0] ?? '');
  const option = OPTION_OF_FIELD[field] ?? field;
  const value = JSON.stringify(record[field] ?? '');
  if (field === 'due_on' && issue.code === 'custom') {
    return (
      `--due-on ${value} is not after --calibrated-on ${JSON.stringify(record.calibrated_on)}; ` +
      'give the date the next calibration is due, later than the calibration date'
    );
  }
  return `${option} ${value} is invalid: it ${issue.message}`;
}

/**
 * Returns an error that lists every invalid option of a calibration record, one per line, for the
 * ZodError that `registerCalibration` throws on `record`.
 */
export function calibrationOptionError(error: z.ZodError, record: Record<string, unknown>): Error {
  return new Error(error.issues.map((issue) => issueMessage(issue, record)).join('\n'), { cause: error });
}
