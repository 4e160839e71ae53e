import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WalSync } from '../../../gateway/queue/wal-sync.js';

function walDatabase(): { path: string; db: Database.Database } {
  const path = join(mkdtempSync(join(tmpdir(), 'coldpool-walsync-')), 'q.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (v INTEGER)');
  return { path, db };
}

describe('wal-sync', () => {
  it('runs callbacks after the sync, not inside the call', async () => {
    const { path, db } = walDatabase();
    const failures: Error[] = [];
    const sync = new WalSync(path, (error) => failures.push(error));
    db.prepare('INSERT INTO t VALUES (1)').run();
    const order: string[] = [];
    const synced = new Promise<void>((resolve) =>
      sync.afterSync(() => {
        order.push('synced');
        resolve();
      }),
    );
    order.push('returned');
    await synced;
    sync.close();
    db.close();
    expect(order).toEqual(['returned', 'synced']);
    expect(failures).toEqual([]);
  });

  it('covers commits made during a sync with the next one', async () => {
    const { path, db } = walDatabase();
    const sync = new WalSync(path, () => {});
    const done: number[] = [];
    for (let index = 0; index < 5; index++) {
      db.prepare('INSERT INTO t VALUES (?)').run(index);
      sync.afterSync(() => done.push(index));
    }
    expect(sync.busy).toBe(true);
    await new Promise<void>((resolve) => sync.afterSync(resolve));
    sync.close();
    db.close();
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports a missing wal file and still runs callbacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-walsync-'));
    const failures: Error[] = [];
    const sync = new WalSync(join(dir, 'absent.db'), (error) => failures.push(error));
    await new Promise<void>((resolve) => sync.afterSync(resolve));
    sync.close();
    rmSync(dir, { recursive: true, force: true });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toContain('absent.db-wal');
  });
});
