import { describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import {
  calibrationRegister,
  calibrationReminders,
  registerCalibration,
} from '../../../gateway/calibration/calibration-register.js';

const NOW = Date.UTC(2026, 11, 4);

function calibration(probe: string, due_on: string, certificate = 'C-1') {
  return { probe, certificate, calibrated_on: '2025-12-01', due_on, offset_c: -0.2, by: 'qa' };
}

describe('calibration register', () => {
  it('keeps the newest calibration per probe', () => {
    const trail = new AuditTrail(openRecordsDatabase(':memory:'));
    registerCalibration(trail, calibration('ctl-1/air_temp_c', '2026-12-01', 'C-1'), NOW);
    registerCalibration(trail, calibration('ctl-1/air_temp_c', '2027-12-01', 'C-2'), NOW);
    expect(calibrationRegister(trail).get('ctl-1/air_temp_c')?.certificate).toBe('C-2');
  });

  it('reminds before the due date', () => {
    const trail = new AuditTrail(openRecordsDatabase(':memory:'));
    registerCalibration(trail, calibration('a/air_temp_c', '2026-12-20'), NOW);
    registerCalibration(trail, calibration('b/air_temp_c', '2026-11-30'), NOW);
    registerCalibration(trail, calibration('c/air_temp_c', '2027-06-01'), NOW);
    const reminders = calibrationReminders(trail, NOW, 30).map((record) => `${record.probe}:${record.status}`);
    expect(reminders).toEqual(['b/air_temp_c:overdue', 'a/air_temp_c:due_soon']);
  });

  it('rejects a due date before the calibration', () => {
    const trail = new AuditTrail(openRecordsDatabase(':memory:'));
    expect(() => registerCalibration(trail, calibration('a/air_temp_c', '2025-01-01'), NOW)).toThrow(/due_on/);
  });

  it('rejects a probe without a field', () => {
    const trail = new AuditTrail(openRecordsDatabase(':memory:'));
    expect(() => registerCalibration(trail, calibration('ctl-1', '2027-01-01'), NOW)).toThrow(/device/);
  });
});
