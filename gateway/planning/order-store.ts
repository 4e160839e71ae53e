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
  /** User who reported it when the API requires a login, else the name of the operator or driver given. */
  by: string;
  /** Name that the user `by` typed for someone else; their claim, not verified. */
  on_behalf_of?: string;
}

/** A stored order with the plan date its clock times count from. */
export interface DatedOrder extends StoredOrder {
  plan_date: string;
}

/** A delivery record with the order and plan date it belongs to. */
export interface DatedDelivery extends OrderDelivery {
  order_id: string;
  plan_date: string;
}

/** Columns of the `orders` table, keyed by order id and plan date. */
const ORDERS_COLUMNS_SQL = `
  id TEXT NOT NULL,
  plan_date TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  order_json TEXT NOT NULL,
  sites_json TEXT NOT NULL,
  PRIMARY KEY (id, plan_date)`;

/**
 * Orders received from MQTT and the API, kept in the plan store's SQLite file so that they survive a
 * restart. Each order belongs to the plan date its clock times count from, and one order id may have an
 * order on each of several dates. Deliveries are kept per plan date as well, for received orders and
 * scenario file orders alike. Writes commit with `synchronous = FULL`, so a write that returned is on disk.
 */
export class OrderStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openOwnerOnlyDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS orders (${ORDERS_COLUMNS_SQL})`);
    this.keyOrdersByDate();
    this.db.exec(`CREATE TABLE IF NOT EXISTS deliveries (
      order_id TEXT NOT NULL,
      plan_date TEXT NOT NULL,
      delivered_ms INTEGER NOT NULL,
      delivered_by TEXT NOT NULL,
      delivered_on_behalf_of TEXT,
      PRIMARY KEY (order_id, plan_date)
    )`);
    this.addOnBehalfOfColumn();
  }

  /** Adds `delivered_on_behalf_of` to a `deliveries` table that older gateways created without it. */
  private addOnBehalfOfColumn(): void {
    const columns = this.db.prepare('PRAGMA table_info(deliveries)').all() as Array<{ name: string }>;
    if (columns.some((column) => column.name === 'delivered_on_behalf_of')) return;
    this.db.exec('ALTER TABLE deliveries ADD COLUMN delivered_on_behalf_of TEXT');
  }

  /**
   * Rebuilds an `orders` table keyed by order id alone, as older gateways created it, with the key
   * (id, plan_date). The rows keep their order, which breaks ties of `received_ms`.
   */
  private keyOrdersByDate(): void {
    const columns = this.db.prepare('PRAGMA table_info(orders)').all() as Array<{ name: string; pk: number }>;
    if (columns.find((column) => column.name === 'plan_date')?.pk !== 0) return;
    this.db.transaction(() => {
      this.db.exec('ALTER TABLE orders RENAME TO orders_by_id');
      this.db.exec(`CREATE TABLE orders (${ORDERS_COLUMNS_SQL})`);
      this.db.exec(
        'INSERT INTO orders (id, plan_date, received_ms, order_json, sites_json) ' +
          'SELECT id, plan_date, received_ms, order_json, sites_json FROM orders_by_id ORDER BY rowid',
      );
      this.db.exec('DROP TABLE orders_by_id');
    })();
  }

  /** Inserts one order, or replaces the order of the same id and plan date. */
  save(planDate: string, stored: StoredOrder): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO orders (id, plan_date, received_ms, order_json, sites_json) VALUES (?, ?, ?, ?, ?)',
      )
      .run(stored.order.id, planDate, stored.received_ms, JSON.stringify(stored.order), JSON.stringify(stored.sites));
  }

  delete(planDate: string, id: string): void {
    this.db.prepare('DELETE FROM orders WHERE id = ? AND plan_date = ?').run(id, planDate);
  }

  /** Deletes the orders and deliveries of other plan dates and returns the number of orders deleted. */
  deleteOtherDates(planDate: string): number {
    this.db.prepare('DELETE FROM deliveries WHERE plan_date <> ?').run(planDate);
    return this.db.prepare('DELETE FROM orders WHERE plan_date <> ?').run(planDate).changes;
  }

  /** Deletes the orders and deliveries of plan dates before `planDate` and returns the number of orders deleted. */
  deleteDatesBefore(planDate: string): number {
    // ISO dates `YYYY-MM-DD` sort as text in calendar order.
    this.db.prepare('DELETE FROM deliveries WHERE plan_date < ?').run(planDate);
    return this.db.prepare('DELETE FROM orders WHERE plan_date < ?').run(planDate).changes;
  }

  /** Records that order `id` of `planDate` was delivered. A second record of the same order is ignored. */
  saveDelivery(planDate: string, id: string, delivery: OrderDelivery): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO deliveries (order_id, plan_date, delivered_ms, delivered_by, delivered_on_behalf_of) ' +
          'VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, planDate, delivery.delivered_ms, delivery.by, delivery.on_behalf_of ?? null);
  }

  /** Returns the deliveries of every plan date. */
  deliveries(): DatedDelivery[] {
    const rows = this.db
      .prepare(
        'SELECT order_id, plan_date, delivered_ms, delivered_by, delivered_on_behalf_of FROM deliveries ' +
          'ORDER BY plan_date, rowid',
      )
      .all() as Array<{
      order_id: string;
      plan_date: string;
      delivered_ms: number;
      delivered_by: string;
      delivered_on_behalf_of: string | null;
    }>;
    return rows.map((row) => ({
      order_id: row.order_id,
      plan_date: row.plan_date,
      delivered_ms: row.delivered_ms,
      by: row.delivered_by,
      ...(row.delivered_on_behalf_of !== null ? { on_behalf_of: row.delivered_on_behalf_of } : {}),
    }));
  }

  /** Returns the orders of every plan date, oldest first. */
  list(): DatedOrder[] {
    const rows = this.db
      .prepare('SELECT plan_date, received_ms, order_json, sites_json FROM orders ORDER BY received_ms, rowid')
      .all() as Array<{ plan_date: string; received_ms: number; order_json: string; sites_json: string }>;
    return rows.map((row) => ({
      plan_date: row.plan_date,
      order: JSON.parse(row.order_json) as Order,
      sites: JSON.parse(row.sites_json) as Site[],
      received_ms: row.received_ms,
    }));
  }

  close(): void {
    this.db.close();
  }
}
