import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRecordsDatabase } from '../../gateway/audit/records-database.js';
import { validateConfig } from '../../gateway/config/load.js';
import { PlanStore } from '../../gateway/planning/plan-store.js';
import { databaseFileWarnings } from '../../gateway/security/database-file-warnings.js';

const dir = mkdtempSync(join(tmpdir(), 'coldpool-dbperm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe.skipIf(process.platform === 'win32')('database file modes', () => {
  it('creates the records database 600', () => {
    const path = join(dir, 'records.db');
    const db = openRecordsDatabase(path);
    db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
    const files = readdirSync(dir).filter((name) => name.startsWith('records.db'));
    expect(files.sort()).toEqual(['records.db', 'records.db-shm', 'records.db-wal']);
    for (const name of files) expect({ name, mode: modeOf(join(dir, name)) }).toEqual({ name, mode: '600' });
    db.close();
  });

  it('creates the plan store 600', () => {
    const path = join(dir, 'plans.db');
    const store = new PlanStore(path);
    expect(modeOf(path)).toBe('600');
    store.close();
  });

  it('keeps the mode of an existing file', () => {
    const path = join(dir, 'existing.db');
    writeFileSync(path, '');
    chmodSync(path, 0o640);
    openRecordsDatabase(path).close();
    expect(modeOf(path)).toBe('640');
  });

  it('warns for a records database others can read', () => {
    const path = join(dir, 'shared-records.db');
    openRecordsDatabase(path).close();
    const config = validateConfig({
      alarms: { store_path: path },
      outputs: { local_store: { path: join(dir, 'missing', 'store.db') } },
    }).config;
    expect(databaseFileWarnings(config)).toEqual([]);
    chmodSync(path, 0o644);
    const warnings = databaseFileWarnings(config);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBe(
      `alarms.store_path ${path} is readable by group or others (mode 644) and contains readings, alarm acknowledgements with user names and the audit trail; run chmod 600 ${path}`,
    );
  });

  it('warns for a queue file others can write', () => {
    const path = join(dir, 'queue.db');
    writeFileSync(path, '');
    chmodSync(path, 0o620);
    const config = validateConfig({
      alarms: { store_path: join(dir, 'missing', 'records.db') },
      outputs: { local_store: { path: join(dir, 'missing', 'store.db') }, queue: { path } },
    }).config;
    const warnings = databaseFileWarnings(config);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`outputs.queue.path ${path} is writable by group or others (mode 620)`);
  });

  it('warns for a session file others can read', () => {
    const path = join(dir, 'sessions.db');
    writeFileSync(path, '');
    chmodSync(path, 0o604);
    const settings = {
      alarms: { store_path: join(dir, 'missing', 'records.db') },
      outputs: { local_store: { path: join(dir, 'missing', 'store.db') } },
    };
    const auth = { users: [], session_store_path: path };
    const enabled = validateConfig({ ...settings, http: { enabled: true, auth } }).config;
    expect(databaseFileWarnings(enabled)).toEqual([
      `http.auth.session_store_path ${path} is readable by group or others (mode 604) and lists who is logged in to the HTTP API; run chmod 600 ${path}`,
    ]);
    const disabled = validateConfig({ ...settings, http: { enabled: false, auth } }).config;
    expect(databaseFileWarnings(disabled)).toEqual([]);
  });
});
