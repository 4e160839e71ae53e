import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { OrderStore, type StoredOrder } from '../../../gateway/planning/order-store.js';
import { orderSchema } from '../../../scheduler/model/demand.js';

function stored(id: string, received_ms: number): StoredOrder {
  return {
    order: orderSchema.parse({
      id,
      merchant_id: 'm_b',
      pickup_site_id: 'm_b',
      delivery_site_id: 'v3',
      temperature_class: 'frozen',
      weight_kg: 5,
      volume_m3: 0.01,
      pickup_window: { start: '17:00', end: '21:00' },
      delivery_window: { start: '18:00', end: '23:00' },
    }),
    sites: [],
    received_ms,
  };
}

function storePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'coldpool-order-store-')), 'plans.db');
}

describe('order store', () => {
  it('keeps one id on two dates', () => {
    const store = new OrderStore(storePath());
    store.save('2027-03-10', stored('standing-1', 1));
    store.save('2027-03-11', stored('standing-1', 2));
    store.save('2027-03-11', stored('standing-1', 3));

    expect(store.list().map((entry) => [entry.plan_date, entry.received_ms])).toEqual([
      ['2027-03-10', 1],
      ['2027-03-11', 3],
    ]);
    store.delete('2027-03-10', 'standing-1');
    expect(store.list().map((entry) => entry.plan_date)).toEqual(['2027-03-11']);
    store.close();
  });

  it('deletes dates before a date', () => {
    const store = new OrderStore(storePath());
    store.save('2027-03-09', stored('a', 1));
    store.save('2027-03-10', stored('b', 2));
    store.save('2027-03-11', stored('c', 3));
    store.saveDelivery('2027-03-09', 'a', { delivered_ms: 4, by: 'driver-3' });
    store.saveDelivery('2027-03-10', 'b', { delivered_ms: 5, by: 'driver-3' });

    expect(store.deleteDatesBefore('2027-03-10')).toBe(1);
    expect(store.list().map((entry) => entry.order.id)).toEqual(['b', 'c']);
    expect(store.deliveries().map((delivery) => [delivery.plan_date, delivery.order_id])).toEqual([
      ['2027-03-10', 'b'],
    ]);
    store.close();
  });

  it('keeps the claimed name of a delivery', () => {
    const path = storePath();
    const store = new OrderStore(path);
    store.saveDelivery('2027-03-10', 'a', { delivered_ms: 4, by: 'erp', on_behalf_of: 'driver-3' });
    store.saveDelivery('2027-03-10', 'b', { delivered_ms: 5, by: 'driver-4' });
    store.close();

    const reopened = new OrderStore(path);
    const deliveries = reopened.deliveries();
    expect(deliveries[0]).toMatchObject({ order_id: 'a', by: 'erp', on_behalf_of: 'driver-3' });
    expect(deliveries[1]).toMatchObject({ order_id: 'b', by: 'driver-4' });
    expect(deliveries[1]).not.toHaveProperty('on_behalf_of');
    reopened.close();
  });

  it('adds the claim column to an old deliveries table', () => {
    const path = storePath();
    const old = new Database(path);
    old.exec(`CREATE TABLE deliveries (
      order_id TEXT NOT NULL,
      plan_date TEXT NOT NULL,
      delivered_ms INTEGER NOT NULL,
      delivered_by TEXT NOT NULL,
      PRIMARY KEY (order_id, plan_date)
    )`);
    old.prepare('INSERT INTO deliveries VALUES (?, ?, ?, ?)').run('a', '2027-03-10', 4, 'driver-3');
    old.close();

    const store = new OrderStore(path);
    store.saveDelivery('2027-03-10', 'b', { delivered_ms: 5, by: 'erp', on_behalf_of: 'driver-4' });
    expect(store.deliveries().map((delivery) => [delivery.order_id, delivery.by, delivery.on_behalf_of])).toEqual([
      ['a', 'driver-3', undefined],
      ['b', 'erp', 'driver-4'],
    ]);
    store.close();
  });

  it('rekeys a table keyed by id', () => {
    const path = storePath();
    const old = new Database(path);
    old.exec(`CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      plan_date TEXT NOT NULL,
      received_ms INTEGER NOT NULL,
      order_json TEXT NOT NULL,
      sites_json TEXT NOT NULL
    )`);
    const insert = old.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?)');
    insert.run('second', '2027-03-10', 7, JSON.stringify(stored('second', 7).order), '[]');
    insert.run('first', '2027-03-10', 7, JSON.stringify(stored('first', 7).order), '[]');
    old.close();

    const store = new OrderStore(path);
    store.save('2027-03-11', stored('first', 8));
    expect(store.list().map((entry) => [entry.plan_date, entry.order.id])).toEqual([
      ['2027-03-10', 'second'],
      ['2027-03-10', 'first'],
      ['2027-03-11', 'first'],
    ]);
    store.close();
  });
});
