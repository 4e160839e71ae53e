import { dirname, join } from 'node:path';
import type { GatewayConfig } from './schema.js';

/**
 * Returns the setting to name in a message about the alarm records or plan store path. A path that
 * `placeStateFiles` (load.ts) put in the local store's folder came from `outputs.local_store.path`, so that
 * setting comes first, and the store's own key is named as the other fix.
 */
export function stateFileSetting(config: GatewayConfig, store: 'alarms' | 'planning'): string {
  const own = `${store}.store_path`;
  const fileName = store === 'alarms' ? 'records.db' : 'plans.db';
  const placed = join(dirname(config.outputs.local_store.path), fileName);
  return config[store].store_path === placed ? `outputs.local_store.path or ${own}` : own;
}
