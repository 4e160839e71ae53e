import type Database from 'better-sqlite3';
import type { Order, Site } from '../../scheduler/model/demand.js';
import { openOwnerOnlyDatabase } from '../security/owner-only-file.js';

/** An order kept for the planning rounds, with the sites that came with it and when it arrived. */
export interface StoredOrder {
  order: Order;
  sites: Site[];
  received_ms: number;
}

/**
 * Orders received from MQTT and the API, kept in the plan store's SQLite file so that they survive a
 * restart. Each order belongs to the plan date its clock times count from. Writes commit with
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

  /** Deletes the orders of other plan dates and returns the number deleted. */
  deleteOtherDates(planDate: string): number {
    return this.db.prepare('DELETE FROM orders WHERE plan_date <> ?').run(planDate).changes;
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
