import { afterEach, describe, expect, it } from 'vitest';
import { httpAuth } from '../../../gateway/security/http-auth.js';
import { httpAuthSchema } from '../../../gateway/security/security-config.js';
import { generateToken, tokenSha256 } from '../../../gateway/security/token-store.js';
import { type ApiFixture, createApiFixture } from './api-fixture.js';

const VIEWER_TOKEN = generateToken();
const OPERATOR_TOKEN = generateToken();

function authConfig() {
  const expires_at = '2099-01-01T00:00:00Z';
  return httpAuthSchema.parse({
    tokens: [
      { name: 'wall', token_sha256: tokenSha256(VIEWER_TOKEN), role: 'viewer', expires_at },
      { name: 'erp', token_sha256: tokenSha256(OPERATOR_TOKEN), role: 'operator', expires_at },
    ],
  });
}

describe('session route', () => {
  let fixture: ApiFixture | undefined;

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('returns the viewer and its role', async () => {
    fixture = await createApiFixture({ auth: httpAuth({ config: authConfig() }) });
    const response = await fixture.app.inject({
      url: '/api/v1/session',
      headers: { authorization: `Bearer ${VIEWER_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ login: true, user: 'wall', role: 'viewer' });
  });

  it('returns the operator and its role', async () => {
    fixture = await createApiFixture({ auth: httpAuth({ config: authConfig() }) });
    const response = await fixture.app.inject({
      url: '/api/v1/session',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(response.json()).toEqual({ login: true, user: 'erp', role: 'operator' });
  });

  it('needs a token with a login', async () => {
    fixture = await createApiFixture({ auth: httpAuth({ config: authConfig() }) });
    const response = await fixture.app.inject({ url: '/api/v1/session' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('AUTH_TOKEN_MISSING');
  });

  it('reports no login without http auth', async () => {
    fixture = await createApiFixture();
    const response = await fixture.app.inject({ url: '/api/v1/session' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ login: false, user: null, role: null });
  });
});
