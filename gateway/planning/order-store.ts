import type Database from 'better-sqlite3';
import type { Order, Site } from '../../scheduler/model/demand.js';
import { openOwnerOnlyDatabase } from '../security/owner-only-file.js';

/** An order kept for the planning rounds, with the sites that came with it and when it arrived. */
export interface StoredOrder {
  order: Order;
  sites: Site[];
  received_ms: number;
}

/** Record of an order reported delivered. */
export interface OrderDelivery {
  delivered_ms: number;
  /** Name of the operator or driver who reported it. */
  by: string;
}

/**
 * Orders received from MQTT and the API, kept in the plan store's SQLite file so that they survive a
 * restart. Each order belongs to the plan date its clock times count from. Deliveries are kept per plan
 * date as well, for received orders and scenario file orders alike. Writes commit with
 * `synchronous = FULL`, so a write that returned is on disk.
 */
export class OrderStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openOwnerOnlyDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS orders (
      id TEXT PRIMARY KEY,
      plan_date TEXT NOT NULL,
      received_ms INTEGER NOT NULL,
      order_json TEXT NOT NULL,
      sites_json TEXT NOT NULL
    )`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS deliveries (
      order_id TEXT NOT NULL,
      plan_date TEXT NOT NULL,
      delivered_ms INTEGER NOT NULL,
      delivered_by TEXT NOT NULL,
      PRIMARY KEY (order_id, plan_date)
    )`);
  }

  /** Inserts or replaces one order. */
  save(planDate: string, stored: StoredOrder): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO orders (id, plan_date, received_ms, order_json, sites_json) VALUES (?, ?, ?, ?, ?)',
      )
      .run(stored.order.id, planDate, stored.received_ms, JSON.stringify(stored.order), JSON.stringify(stored.sites));
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM orders WHERE id = ?').run(id);
  }

  /** Deletes the orders and deliveries of other plan dates and returns the number of orders deleted. */
  deleteOtherDates(planDate: string): number {
    this.db.prepare('DELETE FROM deliveries WHERE plan_date <> ?').run(planDate);
    return this.db.prepare('DELETE FROM orders WHERE plan_date <> ?').run(planDate).changes;
  }

  /** Records that order `id` of `planDate` was delivered. A second record of the same order is ignored. */
  saveDelivery(planDate: string, id: string, delivery: OrderDelivery): void {
    this.db
      .prepare('INSERT OR IGNORE INTO deliveries (order_id, plan_date, delivered_ms, delivered_by) VALUES (?, ?, ?, ?)')
      .run(id, planDate, delivery.delivered_ms, delivery.by);
  }

  /** Returns the deliveries of `planDate` by order id. */
  deliveries(planDate: string): Map<string, OrderDelivery> {
    const rows = this.db
      .prepare('SELECT order_id, delivered_ms, delivered_by FROM deliveries WHERE plan_date = ?')
      .all(planDate) as Array<{ order_id: string; delivered_ms: number; delivered_by: string }>;
    return new Map(rows.map((row) => [row.order_id, { delivered_ms: row.delivered_ms, by: row.delivered_by }]));
  }

  /** Returns the orders of `planDate`, oldest first. */
  list(planDate: string): StoredOrder[] {
    const rows = this.db
      .prepare('SELECT received_ms, order_json, sites_json FROM orders WHERE plan_date = ? ORDER BY received_ms, rowid')
      .all(planDate) as Array<{ received_ms: number; order_json: string; sites_json: string }>;
    return rows.map((row) => ({
      order: JSON.parse(row.order_json) as Order,
      sites: JSON.parse(row.sites_json) as Site[],
      received_ms: row.received_ms,
    }));
  }

  close(): void {
    this.db.close();
  }
}
