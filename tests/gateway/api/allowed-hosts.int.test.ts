import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';

/** Sends GET `path` to `url` with the Host header `host`; returns the status and the body. */
function get(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const outgoing = request(target, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('gateway allowed hosts', () => {
  let dir: string;
  let gateway: Gateway;
  let url: string;
  const lines: { msg?: string; host?: string; ip?: string; suppressed?: number }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldpool-allowed-hosts-'));
    const config = validateConfig({
      mqtt: { broker: { enabled: false } },
      http: { enabled: true, port: 0, allowed_hosts: ['coldstore-gw.local'] },
      outputs: { local_store: { path: join(dir, 'store.db') } },
      alarms: { store_path: join(dir, 'records.db') },
    });
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    gateway = new Gateway(config, log);
    await gateway.start();
    url = gateway.apiUrl() as string;
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its address and a listed name', async () => {
    const port = new URL(url).port;
    expect((await get(url, '/api/v1/assets', `127.0.0.1:${port}`)).status).toBe(200);
    expect((await get(url, '/api/v1/assets', `localhost:${port}`)).status).toBe(200);
    expect((await get(url, '/api/v1/assets', `coldstore-gw.local:${port}`)).status).toBe(200);
  });

  it('rejects another name on every route', async () => {
    for (const path of ['/api/v1/assets', '/', '/metrics']) {
      const response = await get(url, path, 'attacker.example');
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body).error.code).toBe('API_HOST_NOT_ALLOWED');
    }
  });

  it('logs a rejected host once', async () => {
    for (let attempt = 0; attempt < 3; attempt++) await get(url, '/api/v1/assets', 'other.example:80');
    const logged = lines.filter((line) => line.msg === 'http request rejected: host not allowed');
    const other = logged.filter((line) => line.host === 'other.example');
    expect(other).toHaveLength(1);
    expect(other[0]?.ip).toBe('127.0.0.1');
  });
});
