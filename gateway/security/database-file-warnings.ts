/**
 * Permission warnings for the SQLite files the gateway writes. New files are created with mode 0600
 * (`createOwnerOnlyFile`), but a file from an earlier version or copied in keeps its mode. Start-up
 * names each one that others can read or change, and leaves the mode as an operator may have chosen it.
 */
import type { GatewayConfig } from '../config/schema.js';
import { queuePath } from '../output-set.js';
import { configFileWarnings } from './config-file-warnings.js';

/** Returns the database files the config uses, with the config key that names each. */
export function databaseFiles(config: GatewayConfig): { label: string; path: string }[] {
  const files = [
    { label: 'alarms.store_path', path: config.alarms.store_path },
    { label: 'outputs.queue.path', path: queuePath(config, config.outputs.queue) },
  ];
  if (config.outputs.local_store.enabled) {
    files.push({ label: 'outputs.local_store.path', path: config.outputs.local_store.path });
  }
  if (config.planning.enabled) files.push({ label: 'planning.store_path', path: config.planning.store_path });
  return files;
}

/** Returns one warning per database file that group or others can read or write, with the `chmod` fix. */
export function databaseFileWarnings(config: GatewayConfig): string[] {
  const exposure = {
    read: 'contains readings, alarm acknowledgements with user names and the audit trail',
    write: 'change records and the audit trail',
  };
  return databaseFiles(config).flatMap(({ label, path }) => configFileWarnings(path, label, exposure));
}
