import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import type { Reading } from '../../gateway/reading.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import { freePort } from '../harness/free-port.js';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SHA-256 of a bearer token, as `http.auth.tokens` takes it. */
const TOKEN_SHA256 = 'a'.repeat(64);

describe('gateway with broker and http auth', () => {
  let gateway: Gateway;
  let dir: string;
  let roomHash: string;
  let adminHash: string;
  let mqttPort: number;
  let device: MqttClient;
  const readings: Reading[] = [];
  const logLines: { msg: string; [key: string]: unknown }[] = [];

  beforeAll(async () => {
    mqttPort = await freePort();
    roomHash = await hashPassword('s3cret-room-a', { ln: 10, r: 8, p: 1 });
    adminHash = await hashPassword('s3cret-admin', { ln: 10, r: 8, p: 1 });
    dir = mkdtempSync(join(tmpdir(), 'coldpool-secure-'));
    const config = validateConfig({
      site: 'secure',
      mqtt: {
        broker: {
          port: mqttPort,
          auth: {
            users: [{ username: 'room-a', password_hash: roomHash }],
          },
        },
      },
      http: {
        enabled: true,
        port: 0,
        auth: {
          users: [{ username: 'ada', password_hash: adminHash, role: 'admin' }],
          tokens: [
            { name: 'viewer-1', role: 'viewer', token_sha256: TOKEN_SHA256, expires_at: '2099-01-01T00:00:00Z' },
          ],
        },
      },
      devices: [{ id: 'room-a', protocol: 'mqtt', topic: 'devices/room-a/state', profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { path: join(dir, 'store.db') } },
      alarms: { store_path: join(dir, 'records.db') },
    });
    const logSink = { write: (line: string) => logLines.push(JSON.parse(line)) };
    gateway = new Gateway(config, pino({ level: 'warn' }, logSink));
    gateway.bus.on('reading', (reading) => readings.push(reading));
    await gateway.start();
    device = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      clientId: 'room-a',
      username: 'room-a',
      password: 's3cret-room-a',
      reconnectPeriod: 0,
    });
  });

  afterAll(async () => {
    await device?.endAsync();
    await gateway?.stop();
  });

  it('delivers readings from an authenticated device', async () => {
    await device.publishAsync('devices/room-a/state', JSON.stringify({ seq: 1, temp_c: 3.5 }), { qos: 1 });
    await until(() => readings.length === 1);
    expect(readings[0]?.fields.air_temp_c).toBe(3.5);
  });

  it('rejects an anonymous client', async () => {
    await expect(
      connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'anon', reconnectPeriod: 0, connectTimeout: 3000 }),
    ).rejects.toThrow();
  });

  it('logs a failed login without the password', async () => {
    const response = await fetch(`${gateway.apiUrl()}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'mallory', password: 'guess-1234' }),
    });
    expect(response.status).toBe(401);
    const failed = logLines.filter((line) => line.msg === 'http login failed: wrong_credentials');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.username).toBe('mallory');
    expect(JSON.stringify(logLines)).not.toContain('guess-1234');
  });

  it('answers 401 without a token', async () => {
    const response = await fetch(`${gateway.apiUrl()}/api/v1/devices`);
    expect(response.status).toBe(401);
  });

  it('answers the health check without a token', async () => {
    const response = await fetch(`${gateway.apiUrl()}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('ok');
    expect((await fetch(`${gateway.apiUrl()}/docs/json`)).status).toBe(401);
  });

  it('records the config without credential hashes', () => {
    const db = new Database(join(dir, 'records.db'), { readonly: true });
    const rows = db.prepare("SELECT payload_json FROM audit_log WHERE kind = 'config_change'").all() as {
      payload_json: string;
    }[];
    db.close();
    expect(rows).toHaveLength(1);
    const text = rows[0]?.payload_json ?? '';
    expect(text).not.toContain('$scrypt$');
    expect(text).not.toContain(roomHash);
    expect(text).not.toContain(adminHash);
    expect(text).not.toContain(TOKEN_SHA256);
    expect(text).toMatch(/"password_hash":"\[set [0-9a-f]{8}\]"/);
    expect(text).toMatch(/"token_sha256":"\[set [0-9a-f]{8}\]"/);
  });

  it.skipIf(process.platform === 'win32')('creates database files owner-only', () => {
    const files = readdirSync(dir).filter((name) => /\.db(-wal|-shm)?$/.test(name));
    // The records database, the local store and the queue, each with its WAL and shared-memory file.
    for (const name of ['records.db', 'store.db', 'queue.db']) {
      expect(files).toContain(name);
      expect(files).toContain(`${name}-wal`);
      expect(files).toContain(`${name}-shm`);
    }
    for (const name of files) {
      expect({ name, mode: (statSync(join(dir, name)).mode & 0o777).toString(8) }).toEqual({ name, mode: '600' });
    }
  });
});
