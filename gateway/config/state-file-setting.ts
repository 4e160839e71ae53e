import { dirname, join } from 'node:path';
import type { GatewayConfig } from './schema.js';

/** A state file that `placeStateFiles` (load.ts) puts in the local store's folder when the config omits it. */
export type StateFile = 'alarms' | 'planning' | 'sessions';

/** Config key and default file name of each state file. */
const STATE_FILES: Record<StateFile, { key: string; fileName: string }> = {
  alarms: { key: 'alarms.store_path', fileName: 'records.db' },
  planning: { key: 'planning.store_path', fileName: 'plans.db' },
  sessions: { key: 'http.auth.session_store_path', fileName: 'sessions.db' },
};

function statePath(config: GatewayConfig, store: StateFile): string | undefined {
  if (store === 'sessions') return config.http.auth?.session_store_path;
  return config[store].store_path;
}

/**
 * Returns the setting to name in a message about the path of a state file. A path that
 * `placeStateFiles` (load.ts) put in the local store's folder came from `outputs.local_store.path`, so that
 * setting comes first, and the store's own key is named as the other fix.
 */
export function stateFileSetting(config: GatewayConfig, store: StateFile): string {
  const { key, fileName } = STATE_FILES[store];
  const placed = join(dirname(config.outputs.local_store.path), fileName);
  return statePath(config, store) === placed ? `outputs.local_store.path or ${key}` : key;
}
