import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../gateway/api/server.js';
import { validateConfig } from '../../gateway/config/load.js';
import { EventBus } from '../../gateway/events.js';
import { httpAuth } from '../../gateway/security/http-auth.js';
import { httpAuthSchema } from '../../gateway/security/security-config.js';
import { generateToken, tokenSha256 } from '../../gateway/security/token-store.js';
import { createStats } from '../../gateway/stats.js';

const VIEWER_TOKEN = generateToken();
const ADMIN_TOKEN = generateToken();
const COMPARTMENT_ALARM_ID = 'truck-1/front:high_warning:1796580129668';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('unknown route with a login', () => {
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    const resolved = validateConfig({
      version: 1,
      site: 'site-1',
      mqtt: { broker: { enabled: false } },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { enabled: false } },
    });
    const gateway = { bus: new EventBus(), stats: createStats(), resolved, outputStats: () => [] };
    const expires_at = '2099-01-01T00:00:00Z';
    const auth = httpAuth({
      config: httpAuthSchema.parse({
        tokens: [
          { name: 'wall', token_sha256: tokenSha256(VIEWER_TOKEN), role: 'viewer', expires_at },
          { name: 'ops', token_sha256: tokenSha256(ADMIN_TOKEN), role: 'admin', expires_at },
        ],
      }),
    });
    app = await createApiServer({ gateway }, { dashboard: true, auth });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function request(method: string, path: string, token?: string): Promise<{ status: number; body: ErrorBody }> {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const response = await fetch(`${url}${path}`, { method, headers });
    return { status: response.status, body: (await response.json()) as ErrorBody };
  }

  it('returns 404 to a viewer POST', async () => {
    const { status, body } = await request('POST', '/api/v1/nonexistent', VIEWER_TOKEN);
    expect(status).toBe(404);
    expect(body.error.code).toBe('API_ROUTE_NOT_FOUND');
    expect(body.error.message).toContain('no route for POST /api/v1/nonexistent');
  });

  it('returns 404 to a viewer DELETE', async () => {
    const { status, body } = await request('DELETE', '/api/v1/alarms', VIEWER_TOKEN);
    expect(status).toBe(404);
    expect(body.error.code).toBe('API_ROUTE_NOT_FOUND');
  });

  it('returns 404 to an admin POST', async () => {
    const { status } = await request('POST', '/api/v1/nonexistent', ADMIN_TOKEN);
    expect(status).toBe(404);
  });

  it('keeps 401 without a token', async () => {
    const { status, body } = await request('POST', '/api/v1/nonexistent');
    expect(status).toBe(401);
    expect(body.error.code).toBe('AUTH_TOKEN_MISSING');
  });

  it('keeps 403 on a known admin route', async () => {
    const { status, body } = await request('POST', '/api/v1/orders/o-1/delivered', VIEWER_TOKEN);
    expect(status).toBe(403);
    expect(body.error.code).toBe('AUTH_FORBIDDEN');
  });

  it('names URL encoding for an unencoded alarm id', async () => {
    for (const method of ['POST', 'GET']) {
      const { status, body } = await request(method, `/api/v1/alarms/${COMPARTMENT_ALARM_ID}/close`, VIEWER_TOKEN);
      expect(status).toBe(404);
      expect(body.error.code).toBe('API_ROUTE_NOT_FOUND');
      expect(body.error.message).toContain('URL-encode');
      expect(body.error.message).toContain('%2F');
    }
  });

  it('omits the encoding hint elsewhere', async () => {
    const { body } = await request('POST', '/api/v1/nonexistent', VIEWER_TOKEN);
    expect(body.error.message).not.toContain('%2F');
  });
});
