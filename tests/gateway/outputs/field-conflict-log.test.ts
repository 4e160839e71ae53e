import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FieldConflictLog } from '../../../gateway/outputs/field-conflict-log.js';
import { RateLimitedLog } from '../../../gateway/rate-limited-log.js';

const humidity = {
  measurement: 'cold_room',
  field: 'humidity_pct',
  input_type: 'boolean',
  existing_type: 'float',
};

/** Returns a conflict log on a clock set by `now.ms`, and the JSON lines it wrote. */
function conflictLog(): { log: FieldConflictLog; lines: Record<string, unknown>[]; now: { ms: number } } {
  const lines: Record<string, unknown>[] = [];
  const now = { ms: 0 };
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log: new FieldConflictLog(new RateLimitedLog(logger, 60_000, () => now.ms)), lines, now };
}

describe('FieldConflictLog', () => {
  it('logs field, types and fix', () => {
    const { log, lines } = conflictLog();
    log.record({ ...humidity, count: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.measurement).toBe('cold_room');
    expect(lines[0]?.field).toBe('humidity_pct');
    expect(lines[0]?.total).toBe(2);
    expect(lines[0]?.msg).toContain(
      '"humidity_pct" of measurement "cold_room" as boolean because it already exists as float',
    );
    expect(lines[0]?.msg).toContain('rename the field with the "name" of its mapping in the device profile');
    expect(lines[0]?.msg).toContain('declare it "type: float"');
  });

  it('limits repeats and counts them', () => {
    const { log, lines, now } = conflictLog();
    log.record({ ...humidity, count: 1 });
    log.record({ ...humidity, count: 3 });
    expect(lines).toHaveLength(1);
    now.ms = 60_000;
    log.record({ ...humidity, count: 1 });
    expect(lines).toHaveLength(2);
    expect(lines[1]?.total).toBe(5);
    expect(lines[1]?.suppressed).toBe(1);
  });

  it('logs each field apart', () => {
    const { log, lines } = conflictLog();
    log.record({ ...humidity, count: 1 });
    log.record({ ...humidity, field: 'door', existing_type: 'string', count: 1 });
    expect(lines.map((line) => line.field)).toEqual(['humidity_pct', 'door']);
  });

  it('omits type advice without existing type', () => {
    const { log, lines } = conflictLog();
    log.record({ ...humidity, existing_type: '', count: 1 });
    expect(lines[0]?.msg).toContain('already exists as another type');
    expect(lines[0]?.msg).not.toContain('declare it');
  });
});
