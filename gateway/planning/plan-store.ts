import type Database from 'better-sqlite3';
import type { Plan, PlanSummary } from '../api/services.js';
import { openOwnerOnlyDatabase } from '../security/owner-only-file.js';

/** Plans kept on the edge box, newest first: the plan as shown and the round's full report. */
export class PlanStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openOwnerOnlyDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS plans (
      id TEXT PRIMARY KEY,
      scenario TEXT NOT NULL,
      created_ms INTEGER NOT NULL,
      plan_json TEXT NOT NULL,
      report_json TEXT NOT NULL
    )`);
  }

  save(plan: Plan, report: unknown): void {
    this.db
      .prepare('INSERT OR REPLACE INTO plans (id, scenario, created_ms, plan_json, report_json) VALUES (?, ?, ?, ?, ?)')
      .run(plan.id, plan.scenario, plan.created_ms, JSON.stringify(plan), JSON.stringify(report));
  }

  get(id: string): Plan | undefined {
    const row = this.db.prepare('SELECT plan_json FROM plans WHERE id = ?').get(id) as
      | { plan_json: string }
      | undefined;
    return row ? (JSON.parse(row.plan_json) as Plan) : undefined;
  }

  latest(): Plan | undefined {
    const row = this.db.prepare('SELECT plan_json FROM plans ORDER BY created_ms DESC LIMIT 1').get() as
      | { plan_json: string }
      | undefined;
    return row ? (JSON.parse(row.plan_json) as Plan) : undefined;
  }

  /** Returns the newest plan of `planDate`. Plans stored without a `plan_date` match no date. */
  latestOf(planDate: string): Plan | undefined {
    const row = this.db
      .prepare(
        "SELECT plan_json FROM plans WHERE json_extract(plan_json, '$.plan_date') = ? ORDER BY created_ms DESC LIMIT 1",
      )
      .get(planDate) as { plan_json: string } | undefined;
    return row ? (JSON.parse(row.plan_json) as Plan) : undefined;
  }

  /** Returns the newest `limit` plans, newest first. `plan_date` is absent on plans stored without one. */
  list(limit = 100): PlanSummary[] {
    const rows = this.db
      .prepare(
        "SELECT id, scenario, json_extract(plan_json, '$.plan_date') AS plan_date, created_ms FROM plans " +
          'ORDER BY created_ms DESC LIMIT ?',
      )
      .all(limit) as Array<{ id: string; scenario: string; plan_date: string | null; created_ms: number }>;
    return rows.map(({ plan_date, ...row }) => (plan_date === null ? row : { ...row, plan_date }));
  }

  close(): void {
    this.db.close();
  }
}
