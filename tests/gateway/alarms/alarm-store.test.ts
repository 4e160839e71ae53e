import { describe, expect, it } from 'vitest';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';

function openStore(): { store: AlarmStore; db: ReturnType<typeof openRecordsDatabase> } {
  const db = openRecordsDatabase(':memory:');
  return { store: new AlarmStore(db), db };
}

describe('AlarmStore.transaction', () => {
  it('opens no SQLite transaction while the work only reads', () => {
    const { store, db } = openStore();
    let inside: boolean | undefined;
    store.transaction(() => {
      store.loadState('watch');
      inside = db.inTransaction;
    });
    expect(inside).toBe(false);
    expect(db.inTransaction).toBe(false);
  });

  it('commits every write of the work together', () => {
    const { store, db } = openStore();
    let inside: boolean | undefined;
    store.transaction(() => {
      store.saveState('a', { n: 1 });
      inside = db.inTransaction;
      store.saveState('b', { n: 2 });
    });
    expect(inside).toBe(true);
    expect(db.inTransaction).toBe(false);
    expect(store.loadState('a')).toEqual({ n: 1 });
    expect(store.loadState('b')).toEqual({ n: 2 });
  });

  it('rolls back the writes of work that throws, and stays usable', () => {
    const { store, db } = openStore();
    store.saveState('kept', 1);
    expect(() =>
      store.transaction(() => {
        store.saveState('kept', 2);
        store.saveState('new', 3);
        throw new Error('rule failed');
      }),
    ).toThrow('rule failed');
    expect(db.inTransaction).toBe(false);
    expect(store.loadState('kept')).toBe(1);
    expect(store.loadState('new')).toBeUndefined();
    store.transaction(() => store.saveState('after', 4));
    expect(store.loadState('after')).toBe(4);
  });

  it('keeps nested calls inside the outer transaction', () => {
    const { store } = openStore();
    expect(() =>
      store.transaction(() => {
        store.transaction(() => store.saveState('inner', 1));
        throw new Error('outer failed');
      }),
    ).toThrow('outer failed');
    expect(store.loadState('inner')).toBeUndefined();
  });
});

describe('AlarmStore site alarms', () => {
  /** Inserts a site alarm as older gateways stored it, with an empty asset. */
  function insertLegacySiteAlarm(db: ReturnType<typeof openRecordsDatabase>): void {
    const alarm = {
      id: 'north:power_failure:1000',
      kind: 'power_failure',
      level: 'critical',
      rule: 'power_failure',
      site: 'north',
      asset: '',
      message: 'site north power failure: all 3 devices silent',
      raised_ms: 1000,
      active: true,
      comments: [],
    };
    db.prepare(
      `INSERT INTO alarms (id, asset, site, raised_ms, cleared_ms, closed, json)
       VALUES (@id, '', 'north', 1000, NULL, 0, @json)`,
    ).run({ id: alarm.id, json: JSON.stringify(alarm) });
  }

  it('reads an empty asset as _site', () => {
    const { store, db } = openStore();
    insertLegacySiteAlarm(db);
    expect(store.openAlarms()[0]?.asset).toBe('_site');
    expect(store.alarm('north:power_failure:1000')?.asset).toBe('_site');
  });

  it('finds older site alarms by _site', () => {
    const { store, db } = openStore();
    insertLegacySiteAlarm(db);
    expect(store.alarms({ asset: '_site' }).map((alarm) => alarm.id)).toEqual(['north:power_failure:1000']);
  });
});
