import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from './api-fixture.js';

/** Sends the path exactly as given: a real socket, so nothing normalises `..` on the way. */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static paths', () => {
  let fixture: ApiFixture | undefined;

  afterEach(async () => {
    await fixture?.close();
  });

  it('answers 404 to a path outside the dashboard', async () => {
    fixture = await createApiFixture({ dashboard: true });
    await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = fixture.app.server.address() as AddressInfo;
    const response = await rawGet(port, '/../../etc/passwd');
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('root:');
    expect(JSON.parse(response.body).error.code).toBe('API_ROUTE_NOT_FOUND');
  });
});
