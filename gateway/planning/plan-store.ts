import type Database from 'better-sqlite3';
import type { Plan } from '../api/services.js';
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

  list(limit = 100): Array<Pick<Plan, 'id' | 'scenario' | 'created_ms'>> {
    return this.db
      .prepare('SELECT id, scenario, created_ms FROM plans ORDER BY created_ms DESC LIMIT ?')
      .all(limit) as Array<Pick<Plan, 'id' | 'scenario' | 'created_ms'>>;
  }

  close(): void {
    this.db.close();
  }
}
