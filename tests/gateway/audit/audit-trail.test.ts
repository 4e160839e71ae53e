import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { verifyAuditFile } from '../../../gateway/audit/audit-verify.js';
import { recordConfigChange } from '../../../gateway/audit/config-audit.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';

let directory: string;
let path: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-audit-'));
  path = join(directory, 'records.sqlite');
  const db = openRecordsDatabase(path);
  const trail = new AuditTrail(db);
  for (let index = 1; index <= 5; index++) {
    trail.append({
      time_ms: 1_764_547_200_000 + index * 60_000,
      kind: 'alarm_acknowledged',
      actor: 'ops',
      subject: `room-1:high_alarm:${index}`,
      payload: { comment: `seen ${index}`, level: 'alarm' },
    });
  }
  db.close();
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Copies the store and runs `tamper` on the copy with the append-only triggers dropped. */
function tamperedCopy(tamper: (db: Database.Database) => void): string {
  const copy = join(directory, 'copy.sqlite');
  copyFileSync(path, copy);
  const db = new Database(copy);
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  tamper(db);
  db.close();
  return copy;
}

describe('audit trail', () => {
  it('verifies an intact chain', () => {
    const result = verifyAuditFile(path);
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(5);
  });

  it('chains each entry to the previous hash', () => {
    const db = openRecordsDatabase(path);
    const entries = new AuditTrail(db).entries();
    db.close();
    expect(entries[1]?.prev_hash).toBe(entries[0]?.hash);
    expect(entries[0]?.prev_hash).toBe('0'.repeat(64));
  });

  it('rejects an update through SQL', () => {
    const db = openRecordsDatabase(path);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 2").run()).toThrow(/append-only/);
    db.close();
  });

  it('rejects a delete through SQL', () => {
    const db = openRecordsDatabase(path);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    db.close();
  });

  it('detects an edited payload', () => {
    const copy = tamperedCopy((db) => {
      db.prepare(`UPDATE audit_log SET payload_json = '{"comment":"all fine","level":"alarm"}' WHERE seq = 3`).run();
    });
    const result = verifyAuditFile(copy);
    expect(result.ok).toBe(false);
    expect(result.broken?.seq).toBe(3);
    expect(result.broken?.reason).toMatch(/edited/);
  });

  it('detects an edited time', () => {
    const copy = tamperedCopy((db) => {
      db.prepare('UPDATE audit_log SET time_ms = time_ms + 1 WHERE seq = 4').run();
    });
    expect(verifyAuditFile(copy).broken?.seq).toBe(4);
  });

  it('detects a deleted entry', () => {
    const copy = tamperedCopy((db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    });
    const result = verifyAuditFile(copy);
    expect(result.broken?.seq).toBe(2);
    expect(result.broken?.reason).toMatch(/deleted/);
  });

  it('detects a deleted last entry', () => {
    const copy = tamperedCopy((db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
    });
    const result = verifyAuditFile(copy);
    expect(result.ok).toBe(false);
    expect(result.broken?.seq).toBe(5);
  });

  it('detects a rehashed entry by its successor', () => {
    const copy = tamperedCopy((db) => {
      db.prepare("UPDATE audit_log SET hash = 'f' || substr(hash, 2) WHERE seq = 2").run();
    });
    expect(verifyAuditFile(copy).broken?.seq).toBe(2);
  });

  it('records a config change only when it differs', () => {
    const db = openRecordsDatabase(path);
    const trail = new AuditTrail(db);
    const first = recordConfigChange(trail, { assets: [{ id: 'room-1' }] }, 'ops', 1);
    const same = recordConfigChange(trail, { assets: [{ id: 'room-1' }] }, 'ops', 2);
    const changed = recordConfigChange(trail, { assets: [{ id: 'room-2' }] }, 'ops', 3);
    db.close();
    expect(first?.kind).toBe('config_change');
    expect(same).toBeUndefined();
    const previous = (changed?.payload as { previous_sha256?: string } | undefined)?.previous_sha256;
    expect(previous).toBe((first?.payload as { sha256?: string } | undefined)?.sha256);
  });
});
