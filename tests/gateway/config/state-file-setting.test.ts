import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { stateFileSetting } from '../../../gateway/config/state-file-setting.js';

const auth = { users: [] };

describe('session store path', () => {
  it('defaults beside the local store', () => {
    const { config } = validateConfig({ http: { auth }, outputs: { local_store: { path: '/var/lib/gw/store.db' } } });
    expect(config.http.auth?.session_store_path).toBe('/var/lib/gw/sessions.db');
    expect(stateFileSetting(config, 'sessions')).toBe('outputs.local_store.path or http.auth.session_store_path');
  });

  it('defaults to data/sessions.db', () => {
    const { config } = validateConfig({ http: { auth } });
    expect(config.http.auth?.session_store_path).toBe('data/sessions.db');
  });

  it('keeps an explicit path', () => {
    const { config } = validateConfig({
      http: { auth: { ...auth, session_store_path: '/srv/sessions/http.db' } },
      outputs: { local_store: { path: '/var/lib/gw/store.db' } },
    });
    expect(config.http.auth?.session_store_path).toBe('/srv/sessions/http.db');
    expect(stateFileSetting(config, 'sessions')).toBe('http.auth.session_store_path');
  });

  it('is absent without http.auth', () => {
    const { config } = validateConfig({ outputs: { local_store: { path: '/var/lib/gw/store.db' } } });
    expect(config.http.auth).toBeUndefined();
  });

  it('names the alarm and plan settings', () => {
    const { config } = validateConfig({
      outputs: { local_store: { path: '/var/lib/gw/store.db' } },
      planning: { store_path: '/srv/plans.db' },
    });
    expect(stateFileSetting(config, 'alarms')).toBe('outputs.local_store.path or alarms.store_path');
    expect(stateFileSetting(config, 'planning')).toBe('planning.store_path');
  });
});
