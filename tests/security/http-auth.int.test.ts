import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../gateway/security/audit-record.js';
import { httpAuth } from '../../gateway/security/http-auth.js';
import { checkHttpListenerSafety } from '../../gateway/security/listener-safety.js';
import type { LoginFailure } from '../../gateway/security/login-routes.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import { httpAuthSchema } from '../../gateway/security/security-config.js';
import { generateToken, tokenSha256 } from '../../gateway/security/token-store.js';

const cheap = { ln: 4, r: 8, p: 1 };
const apps: FastifyInstance[] = [];
let users: unknown[];
const upstreamToken = generateToken();
const oldToken = generateToken();

beforeAll(async () => {
  users = [
    { username: 'vera', password_hash: await hashPassword('pw-viewer', cheap), role: 'viewer' },
    { username: 'otto', password_hash: await hashPassword('pw-operator', cheap), role: 'operator' },
    { username: 'ada', password_hash: await hashPassword('pw-admin', cheap), role: 'admin' },
  ];
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

interface Server {
  url: string;
  audit: AuditRecord[];
  failures: LoginFailure[];
  advance(ms: number): void;
}

/** Starts fastify on 127.0.0.1 with routes that mirror the API's read, operator and admin routes. */
async function serve(extra: Record<string, unknown> = {}): Promise<Server> {
  let now = Date.parse('2026-12-04T12:00:00Z');
  const audit: AuditRecord[] = [];
  const failures: LoginFailure[] = [];
  const config = httpAuthSchema.parse({
    users,
    session_ttl_s: 3600,
    tokens: [
      { name: 'erp', token_sha256: tokenSha256(upstreamToken), role: 'operator', expires_at: '2099-01-01T00:00:00Z' },
      { name: 'old-erp', token_sha256: tokenSha256(oldToken), role: 'admin', expires_at: '2026-01-01T00:00:00Z' },
    ],
    ...extra,
  });
  const auth = httpAuth({
    config,
    audit: (record) => audit.push(record),
    login_failed: (failure) => failures.push(failure),
    now_ms: () => now,
  });
  const app = Fastify({ logger: false });
  apps.push(app);
  await app.register(auth.plugin);
  app.get('/api/v1/alarms', async () => ({ alarms: [] }));
  app.post('/api/v1/alarms/:id/acknowledge', async (request) => ({ acknowledged_by: auth.userOf(request)?.name }));
  app.put('/api/v1/config', async () => ({ saved: true }));
  // The body schema needs `who`, so a body without it fails validation.
  const deliveredBody = { type: 'object', required: ['who'], properties: { who: { type: 'string' } } };
  app.post('/api/v1/orders/:id/delivered', { schema: { body: deliveredBody } }, async () => ({ delivered: true }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, audit, failures, advance: (ms) => (now += ms) };
}

async function login(server: Server, username: string, password: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

async function tokenOf(server: Server, username: string, password: string): Promise<string> {
  const response = await login(server, username, password);
  const body = (await response.json()) as { token: string };
  return body.token;
}

function call(server: Server, method: string, path: string, token?: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...headers },
    ...(method === 'GET' || method === 'OPTIONS' ? {} : { body: JSON.stringify({ comment: 'checked door' }) }),
  });
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

/** Posts a delivery report without `who`, which the route's body schema rejects. */
function postInvalidBody(server: Server, token?: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/orders/o-1/delivered`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify({ note: 'left at the gate' }),
  });
}

describe('httpAuth before body validation', () => {
  it('rejects a missing token first', async () => {
    const server = await serve();
    const response = await postInvalidBody(server);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('AUTH_TOKEN_MISSING');
  });

  it('rejects a role first', async () => {
    const server = await serve();
    const response = await postInvalidBody(server, await tokenOf(server, 'vera', 'pw-viewer'));
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('AUTH_FORBIDDEN');
  });

  it('audits a bad body with its user', async () => {
    const server = await serve();
    const response = await postInvalidBody(server, await tokenOf(server, 'otto', 'pw-operator'));
    expect(response.status).toBe(400);
    expect(server.audit.at(-1)).toMatchObject({ status: 400, user: 'otto' });
  });
});

describe('httpAuth tokens', () => {
  it('rejects a missing token with 401', async () => {
    const server = await serve();
    expect((await call(server, 'GET', '/api/v1/alarms')).status).toBe(401);
  });

  it('names the missing token', async () => {
    const server = await serve();
    expect(await errorCode(await call(server, 'GET', '/api/v1/alarms'))).toBe('AUTH_TOKEN_MISSING');
  });

  it('sends a bearer challenge', async () => {
    const server = await serve();
    const response = await call(server, 'GET', '/api/v1/alarms');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('rejects a wrong token with 401', async () => {
    const server = await serve();
    const response = await call(server, 'GET', '/api/v1/alarms', generateToken());
    expect(await errorCode(response)).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects a malformed header with 401', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/api/v1/alarms`, { headers: { authorization: 'Basic dmVyYTp4' } });
    expect(response.status).toBe(401);
  });

  it('names the wrong scheme', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/api/v1/alarms`, { headers: { authorization: 'Basic dmVyYTp4' } });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('AUTH_SCHEME_UNSUPPORTED');
    expect(body.error.message).toContain('scheme Basic is not supported');
    expect(body.error.message).toContain('Authorization: Bearer <token>');
  });

  it('accepts the scheme in any case', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const response = await fetch(`${server.url}/api/v1/alarms`, { headers: { authorization: `${scheme} ${token}` } });
      expect(response.status, scheme).toBe(200);
    }
  });

  it('logs out with a lowercase scheme', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    const logout = await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    expect((await call(server, 'GET', '/api/v1/alarms', token)).status).toBe(401);
  });

  it('rejects a bearer header without token', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/api/v1/alarms`, { headers: { authorization: 'Bearer' } });
    expect(await errorCode(response)).toBe('AUTH_TOKEN_INVALID');
  });

  it('rejects an expired session token with 401', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    server.advance(3600 * 1000);
    const response = await call(server, 'GET', '/api/v1/alarms', token);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('AUTH_TOKEN_EXPIRED');
    expect(body.error.message).toBe('the token has expired; log in again');
  });

  it('rejects an expired config token with 401', async () => {
    const server = await serve();
    const response = await call(server, 'GET', '/api/v1/alarms', oldToken);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('AUTH_TOKEN_EXPIRED');
    expect(body.error.message).toBe(
      'the token old-erp from http.auth.tokens expired at 2026-01-01T00:00:00.000Z, and logging in cannot ' +
        'renew it; create a new token with coldpool passwd --token, and set its token_sha256 and a later ' +
        'expires_at in that http.auth.tokens entry',
    );
    expect(body.error.message).not.toContain('log in again');
  });

  it('accepts a config token', async () => {
    const server = await serve();
    expect((await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', upstreamToken)).status).toBe(200);
  });

  it('keeps a config token after logout', async () => {
    const server = await serve();
    const logout = await call(server, 'POST', '/api/v1/auth/logout', upstreamToken);
    const body = (await logout.json()) as { error: { code: string; message: string } };
    expect(logout.status).toBe(409);
    expect(body.error.code).toBe('AUTH_TOKEN_NOT_REVOCABLE');
    expect(body.error.message).toContain('token erp comes from http.auth.tokens');
    expect((await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', upstreamToken)).status).toBe(200);
  });

  it('rejects a token after logout', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    await call(server, 'POST', '/api/v1/auth/logout', token);
    expect((await call(server, 'GET', '/api/v1/alarms', token)).status).toBe(401);
  });
});

describe('httpAuth roles', () => {
  it('lets a viewer read', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    expect((await call(server, 'GET', '/api/v1/alarms', token)).status).toBe(200);
  });

  it('forbids a viewer to acknowledge', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    const response = await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', token);
    expect(response.status).toBe(403);
  });

  it('names the forbidden role', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    const response = await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', token);
    expect(await errorCode(response)).toBe('AUTH_FORBIDDEN');
  });

  it('lets an operator acknowledge', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'otto', 'pw-operator');
    const response = await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', token);
    expect(await response.json()).toEqual({ acknowledged_by: 'otto' });
  });

  it('forbids an operator to configure', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'otto', 'pw-operator');
    expect((await call(server, 'PUT', '/api/v1/config', token)).status).toBe(403);
  });

  it('lets an admin configure', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'ada', 'pw-admin');
    expect((await call(server, 'PUT', '/api/v1/config', token)).status).toBe(200);
  });
});

describe('httpAuth login', () => {
  it('issues a bearer token', async () => {
    const server = await serve();
    const body = (await (await login(server, 'vera', 'pw-viewer')).json()) as { token_type: string };
    expect(body.token_type).toBe('Bearer');
  });

  it('rejects a wrong password with 401', async () => {
    const server = await serve();
    expect((await login(server, 'vera', 'wrong')).status).toBe(401);
  });

  it('rejects an unknown user with 401', async () => {
    const server = await serve();
    expect((await login(server, 'mallory', 'pw-viewer')).status).toBe(401);
  });

  it('limits logins per address', async () => {
    const server = await serve({ max_logins_per_window: 3 });
    for (let i = 0; i < 3; i++) await login(server, 'vera', 'wrong');
    expect((await login(server, 'vera', 'pw-viewer')).status).toBe(429);
  });

  it('does not count successful logins', async () => {
    const server = await serve({ max_logins_per_window: 3 });
    for (let i = 0; i < 6; i++) expect((await login(server, 'vera', 'pw-viewer')).status).toBe(200);
    await login(server, 'vera', 'wrong');
    await login(server, 'vera', 'wrong');
    expect((await login(server, 'vera', 'pw-viewer')).status).toBe(200);
    await login(server, 'vera', 'wrong');
    await login(server, 'vera', 'wrong');
    await login(server, 'vera', 'wrong');
    expect((await login(server, 'vera', 'pw-viewer')).status).toBe(429);
  });

  it('reports failed logins without the password', async () => {
    const server = await serve({ max_logins_per_window: 2 });
    await login(server, 'vera', 'wrong-secret');
    await login(server, 'mallory', 'pw-viewer');
    await login(server, 'vera', 'pw-viewer');
    await login(server, 'vera', 'pw-viewer');
    expect(server.failures).toEqual([
      { ip: '127.0.0.1', username: 'vera', reason: 'wrong_credentials' },
      { ip: '127.0.0.1', username: 'mallory', reason: 'wrong_credentials' },
      { ip: '127.0.0.1', username: 'vera', reason: 'rate_limited' },
      { ip: '127.0.0.1', username: 'vera', reason: 'rate_limited' },
    ]);
    expect(JSON.stringify(server.failures)).not.toContain('wrong-secret');
  });

  it('sends retry-after when limited', async () => {
    const server = await serve({ max_logins_per_window: 1, login_window_s: 60 });
    await login(server, 'vera', 'wrong');
    expect((await login(server, 'vera', 'wrong')).headers.get('retry-after')).toBe('60');
  });
});

describe('httpAuth cors', () => {
  it('rejects a preflight from an unknown origin', async () => {
    const server = await serve();
    const response = await call(server, 'OPTIONS', '/api/v1/alarms', undefined, {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(response.status).toBe(403);
  });

  it('sends no allow-origin to an unknown origin', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    const response = await call(server, 'GET', '/api/v1/alarms', token, { origin: 'https://evil.example' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a cross-origin write from an unknown origin', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'otto', 'pw-operator');
    const response = await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', token, {
      origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
  });

  it('lets a page of the same origin write', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'otto', 'pw-operator');
    const response = await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', token, { origin: server.url });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from an allowed origin', async () => {
    const server = await serve({ cors_origins: ['https://dash.example:8443'] });
    const response = await call(server, 'OPTIONS', '/api/v1/alarms', undefined, {
      origin: 'https://dash.example:8443',
      'access-control-request-method': 'POST',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://dash.example:8443');
  });
});

describe('httpAuth audit', () => {
  it('records who acknowledged', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'otto', 'pw-operator');
    await call(server, 'POST', '/api/v1/alarms/a1/acknowledge', token);
    expect(server.audit.at(-1)).toMatchObject({
      method: 'POST',
      route: '/api/v1/alarms/:id/acknowledge',
      url: '/api/v1/alarms/a1/acknowledge',
      status: 200,
      user: 'otto',
      role: 'operator',
      body: { comment: 'checked door' },
    });
  });

  it('records a forbidden attempt', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    await call(server, 'PUT', '/api/v1/config', token);
    expect(server.audit.at(-1)).toMatchObject({ status: 403, user: 'vera' });
  });

  it('redacts the login password', async () => {
    const server = await serve();
    await login(server, 'vera', 'pw-viewer');
    expect(JSON.stringify(server.audit)).not.toContain('pw-viewer');
  });

  it('skips reads', async () => {
    const server = await serve();
    const token = await tokenOf(server, 'vera', 'pw-viewer');
    const before = server.audit.length;
    await call(server, 'GET', '/api/v1/alarms', token);
    expect(server.audit.length).toBe(before);
  });
});

describe('http listener safety', () => {
  async function startChecked(host: string, auth: ReturnType<typeof httpAuthSchema.parse> | undefined) {
    checkHttpListenerSafety(host, auth);
    const app = Fastify({ logger: false });
    apps.push(app);
    return app.listen({ host, port: 0 });
  }

  it('rejects 0.0.0.0 without credentials', async () => {
    await expect(startChecked('0.0.0.0', undefined)).rejects.toMatchObject({ code: 'LISTENER_AUTH_REQUIRED' });
  });

  it('rejects 0.0.0.0 with empty auth', async () => {
    await expect(startChecked('0.0.0.0', httpAuthSchema.parse({}))).rejects.toThrow(
      /bind 0\.0\.0\.0 only with authentication: set http\.auth\.users or http\.auth\.tokens/,
    );
  });

  it('starts on loopback without credentials', async () => {
    expect(await startChecked('127.0.0.1', undefined)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
