/** The SQLite files that `coldpool report` and `coldpool audit` read, as `checkSqliteFile` roles. */
import type { SqliteFileRole } from './sqlite-file-check.js';

/** Hint that ends every message about a wrong records store. */
const RECORDS_HINT = "pass the gateway's records store (alarms.store_path, default data/records.db)";

/** `--store` of `coldpool audit`: the records store with the audit trail. */
export const AUDIT_STORE: SqliteFileRole = {
  option: '--store',
  noun: 'records store',
  tables: ['audit_log'],
  hint: RECORDS_HINT,
};

/** `--records` of `coldpool report`: the records store with alarms, audit trail and calibrations. */
export const REPORT_RECORDS: SqliteFileRole = {
  option: '--records',
  noun: 'records store',
  tables: ['audit_log', 'alarms'],
  hint: RECORDS_HINT,
};

/** `--store` of `coldpool report`: the local readings store. */
export const REPORT_READINGS: SqliteFileRole = {
  option: '--store',
  noun: 'readings store',
  tables: ['readings'],
  hint: "pass the gateway's local readings store (outputs.local_store.path), or the --store of coldpool demo",
};
