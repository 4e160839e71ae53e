import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RateLimitedLog } from '../../gateway/rate-limited-log.js';
import type { HttpRole, HttpUserConfig } from '../../gateway/security/security-config.js';
import { SessionFile } from '../../gateway/security/session-file.js';
import {
  openSessionPersistence,
  type SessionPersistence,
  sessionFileSink,
} from '../../gateway/security/session-persistence.js';
import { TokenStore, tokenSha256 } from '../../gateway/security/token-store.js';

const root = mkdtempSync(join(tmpdir(), 'coldpool-sessions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const resource of opened.splice(0)) resource.close();
});

/** Users as in `http.auth.users`; the hashes are never checked here. */
function users(...entries: [string, HttpRole][]): HttpUserConfig[] {
  return entries.map(([username, role]) => ({ username, role, password_hash: 'unused' }));
}

const TTL_S = 3600;
let folders = 0;

/** Returns a session file path in a new folder below `root`, which `openSessionPersistence` creates. */
function newPath(): string {
  folders++;
  return join(root, `gw-${folders}`, 'state', 'sessions.db');
}

interface Started {
  persistence: SessionPersistence;
  tokens: TokenStore;
  lines: { level: number; msg: string; [key: string]: unknown }[];
}

/** Opens the session file at `path` and a token store on it, as the gateway does at start. */
function start(
  path: string,
  configUsers: HttpUserConfig[],
  options: { now_ms?: () => number; max_sessions?: number } = {},
): Started {
  const lines: Started['lines'] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const now_ms = options.now_ms ?? Date.now;
  const persistence = openSessionPersistence({
    path,
    setting: 'http.auth.session_store_path',
    users: configUsers,
    log,
    problemLog: new RateLimitedLog(log),
    now_ms,
  });
  if (persistence === undefined) throw new Error(`session file ${path} did not open: ${JSON.stringify(lines)}`);
  opened.push(persistence);
  const tokens = new TokenStore({
    session_ttl_s: TTL_S,
    now_ms,
    sessions: persistence.records,
    session_sink: persistence.sink,
    ...(options.max_sessions !== undefined ? { max_sessions: options.max_sessions } : {}),
  });
  return { persistence, tokens, lines };
}

/** Stops a started store: closes the file, as `Gateway.stop` does. */
function stop(started: Started): void {
  opened.splice(opened.indexOf(started.persistence), 1);
  started.persistence.close();
}

function rowsOf(path: string): { token_sha256: string; username: string; role: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT token_sha256, username, role FROM sessions ORDER BY username').all() as {
      token_sha256: string;
      username: string;
      role: string;
    }[];
  } finally {
    db.close();
  }
}

function restoredLine(started: Started) {
  return started.lines.filter((line) => line.msg === 'http sessions restored');
}

describe('session file', () => {
  it('stores only the token hash', () => {
    const path = newPath();
    const first = start(path, users(['ada', 'admin']));
    const { token } = first.tokens.issue('ada', 'admin');
    stop(first);

    const rows = rowsOf(path);
    expect(rows).toEqual([{ token_sha256: tokenSha256(token), username: 'ada', role: 'admin' }]);
    const db = new Database(path, { readonly: true });
    const columns = db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    db.close();
    expect(JSON.stringify(columns)).not.toContain(token);
    expect(JSON.stringify(columns)).not.toContain(token.slice(4));
    for (const name of readdirSync(join(path, '..'))) {
      const bytes = readFileSync(join(path, '..', name)).toString('latin1');
      expect({ name, containsToken: bytes.includes(token.slice(4)) }).toEqual({ name, containsToken: false });
    }
  });

  it.skipIf(process.platform === 'win32')('creates file 600 and folder 700', () => {
    const path = newPath();
    start(path, users());
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(path, '..')).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(path, '..', '..')).mode & 0o777).toString(8)).toBe('700');
  });

  it('restores a session after a restart', () => {
    const path = newPath();
    const first = start(path, users(['ada', 'admin']));
    const { token, expires_at_ms } = first.tokens.issue('ada', 'admin');
    stop(first);

    const second = start(path, users(['ada', 'admin']));
    const checked = second.tokens.check(token);
    expect(checked).toEqual({
      ok: true,
      holder: { name: 'ada', role: 'admin', kind: 'session', expires_at_ms },
    });
    expect(restoredLine(second)).toMatchObject([{ restored: 1, dropped_expired: 0, dropped_user_changed: 0 }]);
  });

  it('drops expired sessions at start', () => {
    const path = newPath();
    let now = 1_000_000_000;
    const first = start(path, users(['ada', 'admin'], ['otto', 'operator']), { now_ms: () => now });
    const early = first.tokens.issue('ada', 'admin');
    now += 1000;
    const late = first.tokens.issue('otto', 'operator');
    stop(first);

    now = early.expires_at_ms;
    const second = start(path, users(['ada', 'admin'], ['otto', 'operator']), { now_ms: () => now });
    expect(second.tokens.check(early.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(second.tokens.check(late.token)).toMatchObject({ ok: true });
    expect(restoredLine(second)).toMatchObject([{ restored: 1, dropped_expired: 1, dropped_user_changed: 0 }]);
    expect(rowsOf(path).map((row) => row.username)).toEqual(['otto']);
  });

  it('drops sessions of a removed user', () => {
    const path = newPath();
    const first = start(path, users(['ada', 'admin'], ['vera', 'viewer']));
    const ada = first.tokens.issue('ada', 'admin');
    const vera = first.tokens.issue('vera', 'viewer');
    stop(first);

    const second = start(path, users(['vera', 'viewer']));
    expect(second.tokens.check(ada.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(second.tokens.check(vera.token)).toMatchObject({ ok: true, holder: { name: 'vera' } });
    expect(restoredLine(second)).toMatchObject([{ restored: 1, dropped_expired: 0, dropped_user_changed: 1 }]);
    expect(rowsOf(path).map((row) => row.username)).toEqual(['vera']);
  });

  it('drops sessions of a changed role', () => {
    const path = newPath();
    const first = start(path, users(['otto', 'admin']));
    const { token } = first.tokens.issue('otto', 'admin');
    stop(first);

    const second = start(path, users(['otto', 'viewer']));
    expect(second.tokens.check(token)).toEqual({ ok: false, reason: 'invalid' });
    expect(restoredLine(second)).toMatchObject([{ restored: 0, dropped_expired: 0, dropped_user_changed: 1 }]);
    expect(rowsOf(path)).toEqual([]);
  });

  it('logs counts without hashes or names', () => {
    const path = newPath();
    const first = start(path, users(['ada', 'admin']));
    const { token } = first.tokens.issue('ada', 'admin');
    stop(first);

    const second = start(path, users());
    const text = JSON.stringify(second.lines);
    expect(restoredLine(second)).toHaveLength(1);
    expect(text).not.toContain(tokenSha256(token));
    expect(text).not.toContain(token);
    expect(text).not.toContain('ada');
  });

  it('deletes the row at logout', () => {
    const path = newPath();
    const first = start(path, users(['ada', 'admin'], ['vera', 'viewer']));
    const ada = first.tokens.issue('ada', 'admin');
    first.tokens.issue('vera', 'viewer');
    expect(first.tokens.revoke(ada.token)).toBe(true);
    expect(rowsOf(path).map((row) => row.username)).toEqual(['vera']);
    stop(first);

    const second = start(path, users(['ada', 'admin'], ['vera', 'viewer']));
    expect(second.tokens.check(ada.token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('deletes expired rows at the next login', () => {
    const path = newPath();
    let now = 2_000_000_000;
    const first = start(path, users(['ada', 'admin'], ['vera', 'viewer']), { now_ms: () => now });
    first.tokens.issue('ada', 'admin');
    now += TTL_S * 1000;
    first.tokens.issue('vera', 'viewer');
    expect(first.tokens.sessionCount()).toBe(1);
    expect(rowsOf(path).map((row) => row.username)).toEqual(['vera']);
  });

  it('deletes the row of an expired token at its check', () => {
    const path = newPath();
    let now = 3_000_000_000;
    const first = start(path, users(['ada', 'admin']), { now_ms: () => now });
    const { token } = first.tokens.issue('ada', 'admin');
    now += TTL_S * 1000;
    expect(first.tokens.check(token)).toMatchObject({ ok: false, reason: 'expired' });
    expect(rowsOf(path)).toEqual([]);
  });

  it('deletes the row dropped at the cap', () => {
    const path = newPath();
    let now = 4_000_000_000;
    const list = users(['u0', 'viewer'], ['u1', 'viewer'], ['u2', 'viewer']);
    const first = start(path, list, { now_ms: () => now, max_sessions: 2 });
    for (const user of list) {
      first.tokens.issue(user.username, user.role);
      now += 1000;
    }
    expect(first.tokens.sessionCount()).toBe(2);
    expect(rowsOf(path).map((row) => row.username)).toEqual(['u1', 'u2']);
  });

  it('applies the cap to restored sessions', () => {
    const path = newPath();
    let now = 5_000_000_000;
    const list = users(['u0', 'viewer'], ['u1', 'viewer'], ['u2', 'viewer']);
    const first = start(path, list, { now_ms: () => now });
    const issued = list.map((user) => {
      now += 1000;
      return first.tokens.issue(user.username, user.role);
    });
    stop(first);

    const second = start(path, list, { now_ms: () => now, max_sessions: 2 });
    expect(second.tokens.sessionCount()).toBe(2);
    expect(second.tokens.check(issued[0]?.token ?? '')).toEqual({ ok: false, reason: 'invalid' });
    expect(second.tokens.check(issued[2]?.token ?? '')).toMatchObject({ ok: true });
    expect(rowsOf(path).map((row) => row.username)).toEqual(['u1', 'u2']);
  });

  it('warns once for a file that is not a database', () => {
    const path = newPath();
    const first = start(path, users());
    stop(first);
    for (const name of readdirSync(join(path, '..'))) rmSync(join(path, '..', name));
    // A text file of more than the 100 bytes of a database header: SQLite reports "file is not a database".
    writeFileSync(path, 'not a database. '.repeat(20));
    const lines: { level: number; msg: string; err?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const persistence = openSessionPersistence({
      path,
      setting: 'http.auth.session_store_path',
      users: [],
      log,
      problemLog: new RateLimitedLog(log),
    });
    expect(persistence).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(40);
    expect(lines[0]?.msg).toContain('http session file cannot be opened or read');
    expect(lines[0]?.err).toContain('not a database');
  });
});

describe('session file sink', () => {
  /** Builds a sink on an in-memory session database, with a log that keeps its lines. */
  function sinkOnMemory() {
    const db = new Database(':memory:');
    const file = new SessionFile(db);
    const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const { sink, close } = sessionFileSink(file, { path: '/tmp/sessions.db', problemLog: new RateLimitedLog(log) });
    opened.push({ close });
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
    return { db, sink, lines, count };
  }

  it('keeps logins when the disk is full', () => {
    const { db, sink, lines, count } = sinkOnMemory();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const tokens = new TokenStore({ session_ttl_s: TTL_S, session_sink: sink });
    const issued = Array.from({ length: 200 }, (_, i) => tokens.issue(`user-${i}`, 'viewer'));

    for (const { token } of issued) expect(tokens.check(token)).toMatchObject({ ok: true });
    expect(count()).toBeLessThan(200);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('http session file write failed');
    expect(warnings[0]?.err).toContain('full');
    expect(JSON.stringify(lines)).not.toContain(issued[199]?.token);
  });

  it('keeps logins when the file is read-only', () => {
    const { db, sink, lines, count } = sinkOnMemory();
    db.pragma('query_only = ON');
    const tokens = new TokenStore({ session_ttl_s: TTL_S, session_sink: sink });
    const { token } = tokens.issue('ada', 'admin');
    tokens.issue('vera', 'viewer');

    expect(tokens.check(token)).toMatchObject({ ok: true });
    expect(count()).toBe(0);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.operation).toBe('insert');
    expect(warnings[0]?.err).toContain('readonly');
  });

  it('retries a failed delete', () => {
    const { db, sink, lines, count } = sinkOnMemory();
    const tokens = new TokenStore({ session_ttl_s: TTL_S, session_sink: sink });
    const ada = tokens.issue('ada', 'admin');
    expect(count()).toBe(1);

    db.pragma('query_only = ON');
    tokens.revoke(ada.token);
    expect(count()).toBe(1);
    expect(lines.filter((line) => line.operation === 'delete')).toHaveLength(1);

    db.pragma('query_only = OFF');
    tokens.issue('vera', 'viewer');
    const names = db.prepare('SELECT username FROM sessions').all() as { username: string }[];
    expect(names).toEqual([{ username: 'vera' }]);
  });
});
