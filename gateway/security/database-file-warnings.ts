/**
 * Permission warnings for the SQLite files the gateway writes. New files are created with mode 0600
 * (`createOwnerOnlyFile`), but a file from an earlier version or copied in keeps its mode. Start-up
 * names each one that others can read or change, and leaves the mode as an operator may have chosen it.
 */
import type { GatewayConfig } from '../config/schema.js';
import { queuePath } from '../output-set.js';
import { configFileWarnings, type FileExposure } from './config-file-warnings.js';

const RECORDS_EXPOSURE: FileExposure = {
  read: 'contains readings, alarm acknowledgements with user names and the audit trail',
  write: 'change records and the audit trail',
};

const SESSIONS_EXPOSURE: FileExposure = {
  read: 'lists who is logged in to the HTTP API',
  write: 'bring back a session that was logged out',
};

/** Returns the database files the config uses, with the config key that names each and what it exposes. */
export function databaseFiles(config: GatewayConfig): { label: string; path: string; exposure: FileExposure }[] {
  const files = [
    { label: 'alarms.store_path', path: config.alarms.store_path, exposure: RECORDS_EXPOSURE },
    { label: 'outputs.queue.path', path: queuePath(config, config.outputs.queue), exposure: RECORDS_EXPOSURE },
  ];
  if (config.outputs.local_store.enabled) {
    files.push({
      label: 'outputs.local_store.path',
      path: config.outputs.local_store.path,
      exposure: RECORDS_EXPOSURE,
    });
  }
  if (config.planning.enabled) {
    files.push({ label: 'planning.store_path', path: config.planning.store_path, exposure: RECORDS_EXPOSURE });
  }
  if (config.http.enabled && config.http.auth !== undefined) {
    const path = config.http.auth.session_store_path;
    files.push({ label: 'http.auth.session_store_path', path, exposure: SESSIONS_EXPOSURE });
  }
  return files;
}

/** Returns one warning per database file that group or others can read or write, with the `chmod` fix. */
export function databaseFileWarnings(config: GatewayConfig): string[] {
  return databaseFiles(config).flatMap(({ label, path, exposure }) => configFileWarnings(path, label, exposure));
}
