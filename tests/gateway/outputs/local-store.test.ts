import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore, seriesKey } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';

const DAY_MS = 86_400_000;
const NOW_MS = 1_700_000_000_000;

function reading(device: string, time_ms: number, fields: Record<string, unknown>, extraTags = {}): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'dock', asset: 'room-1', device, ...extraTags },
    fields: fields as Reading['fields'],
    integer_fields: new Set<string>(),
    time_ms,
    time_source: 'source',
  };
}

describe('local-store', () => {
  let dir: string;
  let path: string;
  let store: LocalStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-store-'));
    path = join(dir, 'readings.db');
    store = new LocalStore({ path, retention_days: 7 });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode', () => {
    const db = new Database(path, { readonly: true });
    const mode = db.pragma('journal_mode', { simple: true });
    db.close();
    expect(mode).toBe('wal');
  });

  it('returns latest per series', () => {
    store.write([
      reading('probe-1', NOW_MS, { temp_c: -18 }),
      reading('probe-1', NOW_MS + 1000, { temp_c: -18.5, door_open: false, note: 'ok' }),
      reading('probe-2', NOW_MS, { temp_c: 4 }),
    ]);
    const latest = store.latest();
    expect(latest).toHaveLength(2);
    expect(store.latest('probe-1')).toEqual([
      {
        time_ms: NOW_MS + 1000,
        measurement: 'cold_room',
        tags: { site: 'dock', asset: 'room-1', device: 'probe-1' },
        fields: { temp_c: -18.5, door_open: false, note: 'ok' },
      },
    ]);
  });

  it('overwrites replayed points', () => {
    store.write([reading('probe-1', NOW_MS, { temp_c: -18, rh: 40 })]);
    store.write([reading('probe-1', NOW_MS, { temp_c: -17.5 })]);
    const history = store.history({ device: 'probe-1', field: 'temp_c' });
    expect(history).toHaveLength(1);
    expect(history[0]?.value).toBe(-17.5);
    expect(store.latest('probe-1')[0]?.fields).toEqual({ temp_c: -17.5, rh: 40 });
  });

  it('keys series independent of tag order', () => {
    expect(seriesKey('m', { b: '2', a: '1' })).toBe(seriesKey('m', { a: '1', b: '2' }));
    expect(seriesKey('m', { a: '1,b=2' })).not.toBe(seriesKey('m', { a: '1', b: '2' }));
  });

  it('queries history by range and limit', () => {
    store.write(Array.from({ length: 10 }, (_, index) => reading('probe-1', NOW_MS + index * 1000, { temp_c: index })));
    store.write([reading('probe-1', NOW_MS + 500, { rh: 50 })]);
    const history = store.history({
      device: 'probe-1',
      field: 'temp_c',
      from_ms: NOW_MS + 2000,
      to_ms: NOW_MS + 8000,
      limit: 3,
    });
    expect(history.map((point) => point.value)).toEqual([2, 3, 4]);
    expect(history.map((point) => point.time_ms)).toEqual([NOW_MS + 2000, NOW_MS + 3000, NOW_MS + 4000]);
  });

  it('separates compartments in history', () => {
    store.write([
      reading('reefer-1', NOW_MS, { temp_c: -20 }, { compartment: 'front' }),
      reading('reefer-1', NOW_MS, { temp_c: 2 }, { compartment: 'rear' }),
    ]);
    const history = store.history({ device: 'reefer-1', field: 'temp_c' });
    expect(history.map((point) => point.tags.compartment).sort()).toEqual(['front', 'rear']);
  });

  it('drops invalid fields and empty points', () => {
    store.write([
      reading('probe-1', NOW_MS, { rh: 55.2, temp_c: Number.NaN, door: null, aux: Infinity }),
      reading('probe-1', NOW_MS + 1000, { temp_c: Number.NaN }),
    ]);
    expect(store.latest('probe-1')[0]?.fields).toEqual({ rh: 55.2 });
    expect(store.stats().written).toBe(1);
    expect(store.stats().dropped).toBe(1);
  });

  it('prunes beyond retention', () => {
    store.write([
      reading('probe-1', NOW_MS - 8 * DAY_MS, { temp_c: 1 }),
      reading('probe-1', NOW_MS - 6 * DAY_MS, { temp_c: 2 }),
    ]);
    expect(store.prune(NOW_MS)).toBe(1);
    expect(store.history({ device: 'probe-1', field: 'temp_c' }).map((point) => point.value)).toEqual([2]);
  });

  it('writes a series again after prune', () => {
    store.write([reading('probe-9', NOW_MS - 8 * DAY_MS, { temp_c: 1 })]);
    expect(store.prune(NOW_MS)).toBe(1);
    expect(store.latest('probe-9')).toEqual([]);
    store.write([reading('probe-9', NOW_MS, { temp_c: 5 })]);
    expect(store.latest('probe-9')[0]?.fields).toEqual({ temp_c: 5 });
  });

  it('lists asset ids with their total', () => {
    store.write([
      reading('probe-3', NOW_MS, { temp_c: 1 }, { asset: 'room-3' }),
      reading('probe-1', NOW_MS, { temp_c: 1 }),
      reading('probe-2', NOW_MS, { temp_c: 1 }, { asset: 'room-2' }),
      reading('probe-4', NOW_MS, { temp_c: 1 }, { asset: 'room-2' }),
    ]);
    expect(store.assetIds(2)).toEqual({ ids: ['room-1', 'room-2'], total: 3 });
    expect(store.assetIds(10)).toEqual({ ids: ['room-1', 'room-2', 'room-3'], total: 3 });
  });

  it('finds asset series by tags', () => {
    store.write([reading('probe-1', NOW_MS, { temp_c: 1 }, { asset: 'truck-7', compartment: 'front' })]);
    expect(store.hasAssetSeries('truck-7')).toBe(true);
    expect(store.hasAssetSeries('truck-7', (tags) => tags.compartment === 'front')).toBe(true);
    expect(store.hasAssetSeries('truck-7', (tags) => tags.compartment === 'rear')).toBe(false);
    expect(store.hasAssetSeries('truck-8')).toBe(false);
  });

  it('skips asset series without readings', () => {
    store.write([reading('probe-1', NOW_MS, { temp_c: 1 }, { asset: 'room-5' })]);
    const db = new Database(path);
    db.prepare('DELETE FROM readings').run();
    db.close();
    expect(store.hasAssetSeries('room-5')).toBe(false);
    expect(store.assetIds(10)).toEqual({ ids: [], total: 0 });
  });

  it('keeps data across reopen', () => {
    store.write([reading('probe-1', NOW_MS, { temp_c: 3.5 })]);
    store.close();
    store = new LocalStore({ path });
    expect(store.latest('probe-1')[0]?.fields.temp_c).toBe(3.5);
  });

  it('counts writes after close as dropped', () => {
    store.close();
    store.write([reading('probe-1', NOW_MS, { temp_c: 1 })]);
    expect(store.stats().dropped).toBe(1);
  });
});
