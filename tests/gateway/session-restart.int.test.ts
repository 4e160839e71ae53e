import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import type { HttpRole } from '../../gateway/security/security-config.js';

const dirs: string[] = [];
const running: Gateway[] = [];
let adaHash: string;
let veraHash: string;

beforeAll(async () => {
  adaHash = await hashPassword('ada-pw-2026', { ln: 10, r: 8, p: 1 });
  veraHash = await hashPassword('vera-pw-2026', { ln: 10, r: 8, p: 1 });
});

afterEach(async () => {
  for (const gateway of running.splice(0)) await gateway.stop();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-session-restart-'));
  dirs.push(dir);
  return dir;
}

/** Returns a gateway config with the HTTP API on a free port and its state files in `dir`. */
function configIn(dir: string, veraRole: HttpRole = 'viewer') {
  return validateConfig({
    site: 'session-restart',
    mqtt: { broker: { port: 0 }, republish: { enabled: false } },
    http: {
      enabled: true,
      port: 0,
      auth: {
        users: [
          { username: 'ada', password_hash: adaHash, role: 'admin' },
          { username: 'vera', password_hash: veraHash, role: veraRole },
        ],
      },
    },
    outputs: { local_store: { path: join(dir, 'state', 'store.db') } },
  });
}

type LogLine = { level: number; msg: string; [key: string]: unknown };

async function startGateway(config: ReturnType<typeof configIn>, lines: LogLine[] = []): Promise<Gateway> {
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const gateway = new Gateway(config, log);
  running.push(gateway);
  await gateway.start();
  return gateway;
}

async function stopGateway(gateway: Gateway): Promise<void> {
  running.splice(running.indexOf(gateway), 1);
  await gateway.stop();
}

async function login(gateway: Gateway, username: string, password: string): Promise<string> {
  const response = await fetch(`${gateway.apiUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function devicesStatus(gateway: Gateway, token: string): Promise<number> {
  const response = await fetch(`${gateway.apiUrl()}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

describe('session tokens across a gateway restart', () => {
  it('keeps a token valid after a restart', async () => {
    const dir = newDir();
    const config = configIn(dir);
    const first = await startGateway(config);
    const token = await login(first, 'ada', 'ada-pw-2026');
    expect(await devicesStatus(first, token)).toBe(200);
    await stopGateway(first);

    const lines: LogLine[] = [];
    const second = await startGateway(configIn(dir), lines);
    expect(await devicesStatus(second, token)).toBe(200);
    const sessionsPath = join(dir, 'state', 'sessions.db');
    expect(config.config.http.auth?.session_store_path).toBe(sessionsPath);
    expect((statSync(sessionsPath).mode & 0o777).toString(8)).toBe('600');
    const restored = lines.filter((line) => line.msg === 'http sessions restored');
    expect(restored).toMatchObject([{ level: 30, restored: 1, dropped_expired: 0, dropped_user_changed: 0 }]);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('ends a token at logout after a restart', async () => {
    const dir = newDir();
    const first = await startGateway(configIn(dir));
    const token = await login(first, 'ada', 'ada-pw-2026');
    await stopGateway(first);

    const second = await startGateway(configIn(dir));
    expect(await devicesStatus(second, token)).toBe(200);
    const logout = await fetch(`${second.apiUrl()}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    expect(await devicesStatus(second, token)).toBe(401);
    await stopGateway(second);

    const third = await startGateway(configIn(dir));
    expect(await devicesStatus(third, token)).toBe(401);
  });

  it('ends a token whose role changed', async () => {
    const dir = newDir();
    const first = await startGateway(configIn(dir));
    const vera = await login(first, 'vera', 'vera-pw-2026');
    const ada = await login(first, 'ada', 'ada-pw-2026');
    await stopGateway(first);

    const lines: LogLine[] = [];
    const second = await startGateway(configIn(dir, 'operator'), lines);
    expect(await devicesStatus(second, vera)).toBe(401);
    expect(await devicesStatus(second, ada)).toBe(200);
    const restored = lines.filter((line) => line.msg === 'http sessions restored');
    expect(restored).toMatchObject([{ restored: 1, dropped_user_changed: 1 }]);
  });
});
