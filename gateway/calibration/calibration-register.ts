/**
 * Calibration register: one entry per probe calibration (certificate, date, due date, offset), appended
 * to the audit trail so that it is chained and never edited. A newer entry for the same probe supersedes
 * the older one. Reminders start `remind_days` before the due date.
 */
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { AuditTrail } from '../audit/audit-trail.js';

const MS_PER_DAY = 86_400_000;
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

export const calibrationSchema = z
  .strictObject({
    /** Probe id as `<device>/<field>`, such as `ctl-1/air_temp_c`. */
    probe: z.string().regex(/^[^/\s]+\/[a-z0-9_]+$/, 'must be <device>/<field>, such as ctl-1/air_temp_c'),
    /** Certificate number of the calibration laboratory. */
    certificate: z.string().min(1, 'must not be empty'),
    /** Date of the calibration, YYYY-MM-DD (UTC). */
    calibrated_on: isoDate,
    /** Date the next calibration is due, YYYY-MM-DD (UTC). */
    due_on: isoDate,
    /** Correction to add to the probe's reading, K (measured reference minus probe). */
    offset_c: z.number().min(-5, 'must be from -5 to 5 K').max(5, 'must be from -5 to 5 K'),
    /** Person who entered the record. */
    by: z.string().min(1, 'must not be empty'),
    /** Laboratory or reference instrument. */
    laboratory: z.string().optional(),
  })
  .refine((record) => record.due_on > record.calibrated_on, {
    path: ['due_on'],
    message: 'must be after calibrated_on',
  });

export type Calibration = z.infer<typeof calibrationSchema>;

export type CalibrationStatus = 'valid' | 'due_soon' | 'overdue';

export interface RegisteredCalibration extends Calibration {
  /** Seq of the audit entry. */
  seq: number;
}

/** Validates and appends a calibration record. Throws a ZodError naming the invalid field. */
export function registerCalibration(trail: AuditTrail, input: unknown, time_ms: number): AuditEntry {
  const record = calibrationSchema.parse(input);
  return trail.append({ time_ms, kind: 'calibration', actor: record.by, subject: record.probe, payload: record });
}

/** Returns the current calibration of every probe, by probe id. */
export function calibrationRegister(trail: AuditTrail): Map<string, RegisteredCalibration> {
  const register = new Map<string, RegisteredCalibration>();
  for (const entry of trail.entries({ kind: 'calibration' })) {
    register.set(entry.subject, { ...(entry.payload as Calibration), seq: entry.seq });
  }
  return register;
}

/** Returns the status of a calibration at `now_ms`: overdue from the due date on, due soon within `remind_days`. */
export function calibrationStatus(record: Calibration, now_ms: number, remind_days: number): CalibrationStatus {
  const due_ms = Date.parse(`${record.due_on}T00:00:00Z`);
  if (now_ms >= due_ms) return 'overdue';
  return now_ms >= due_ms - remind_days * MS_PER_DAY ? 'due_soon' : 'valid';
}

/** Returns the probes whose calibration is due soon or overdue, soonest due first. */
export function calibrationReminders(
  trail: AuditTrail,
  now_ms: number,
  remind_days: number,
): Array<RegisteredCalibration & { status: CalibrationStatus }> {
  return [...calibrationRegister(trail).values()]
    .map((record) => ({ ...record, status: calibrationStatus(record, now_ms, remind_days) }))
    .filter((record) => record.status !== 'valid')
    .sort((left, right) => left.due_on.localeCompare(right.due_on));
}
