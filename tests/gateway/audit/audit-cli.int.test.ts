import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let directory: string;
let store: string;

function audit(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tests/gateway/audit/audit-cli-entry.ts', 'audit', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-audit-cli-'));
  store = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(store);
  const trail = new AuditTrail(db);
  for (let seq = 1; seq <= 4; seq++) {
    trail.append({ time_ms: seq * 1000, kind: 'alarm_comment', actor: 'ops', subject: 'a', payload: { seq } });
  }
  db.close();
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function tamper(sql: string): string {
  const copy = join(directory, `copy-${Math.random().toString(36).slice(2)}.sqlite`);
  copyFileSync(store, copy);
  const db = new Database(copy);
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.exec(sql);
  db.close();
  return copy;
}

describe('coldpool audit verify', () => {
  it('exits 0 on an intact store', () => {
    const result = audit('verify', '--store', store);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/valid: 4 entries/);
  });

  it('exits 1 naming a changed entry', () => {
    const result = audit('verify', '--store', tamper(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/broken at entry 3/);
  });

  it('exits 1 naming a deleted entry', () => {
    const result = audit('verify', '--store', tamper('DELETE FROM audit_log WHERE seq = 2'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/broken at entry 2: entry deleted/);
  });

  it('exits 1 on a missing file', () => {
    const absent = join(directory, 'absent.sqlite');
    const result = audit('verify', '--store', absent);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`records store ${absent} not found; pass the gateway's records store`);
  });

  it('list leaves a missing store uncreated', () => {
    const absent = join(directory, 'typo.sqlite');
    const result = audit('list', '--store', absent);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`records store ${absent} not found`);
    expect(existsSync(absent)).toBe(false);
  });

  it('calibration add creates a new store', () => {
    const fresh = join(directory, 'fresh.sqlite');
    const result = audit(
      'calibration',
      'add',
      '--store',
      fresh,
      '--probe',
      'room-1/temp_c',
      '--certificate',
      'C-1',
      '--calibrated-on',
      '2026-01-10',
      '--due-on',
      '2027-01-10',
      '--offset-c',
      '0.1',
      '--by',
      'ops',
    );
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(fresh)).toBe(true);
  });
});
