import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../gateway/broker/embedded-broker.js';
import { httpAuth } from '../../gateway/security/http-auth.js';
import { createMqttAccess } from '../../gateway/security/mqtt-access.js';
import { loadMqttUsersFile } from '../../gateway/security/mqtt-users-file.js';
import { hashPassword, parsePasswordHash } from '../../gateway/security/password-hash.js';
import { logBrokerRejections } from '../../gateway/security/rejection-log.js';
import { httpAuthSchema, mqttAuthSchema } from '../../gateway/security/security-config.js';

const SECRET = 'Hunter2-ColdRoom!';
const cheap = { ln: 4, r: 8, p: 1 };
const dir = mkdtempSync(join(tmpdir(), 'coldpool-leak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Creates a pino logger without redaction, so a test passes only when nothing secret reaches it. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('secrets in mqtt logs', () => {
  it('logs a wrong password without it', async () => {
    const access = createMqttAccess(
      mqttAuthSchema.parse({ users: [{ username: 'room-1', password_hash: await hashPassword('right', cheap) }] }),
    );
    const broker = await startEmbeddedBroker({ port: 0, access });
    const { log, text } = capturedLogger();
    const stop = logBrokerRejections(broker.events, log);
    await connectAsync(broker.url, { username: 'room-1', password: SECRET, reconnectPeriod: 0 }).catch(() => undefined);
    stop();
    await broker.stop();
    expect(text()).toContain('"reason":"auth_failed"');
    expect(text()).not.toContain(SECRET);
  });

  it('logs a rejected publish without the password', async () => {
    const access = createMqttAccess(
      mqttAuthSchema.parse({ users: [{ username: 'room-1', password_hash: await hashPassword(SECRET, cheap) }] }),
    );
    const broker = await startEmbeddedBroker({ port: 0, access });
    const { log, text } = capturedLogger();
    const stop = logBrokerRejections(broker.events, log);
    const client = await connectAsync(broker.url, { username: 'room-1', password: SECRET, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('devices/room-2/state', '1');
    await closed;
    await client.endAsync(true);
    stop();
    await broker.stop();
    expect(text()).toContain('"reason":"publish_denied"');
    expect(text()).not.toContain(SECRET);
  });
});

describe('secrets in http audit logs', () => {
  it('logs login and requests without password or token', async () => {
    const { log, text } = capturedLogger();
    const config = httpAuthSchema.parse({
      users: [{ username: 'ada', password_hash: await hashPassword(SECRET, cheap), role: 'admin' }],
    });
    const auth = httpAuth({ config, audit: (record) => log.info({ audit: record }, 'http request') });
    const app = Fastify({ logger: false });
    await app.register(auth.plugin);
    app.put('/api/v1/config', async () => ({ saved: true }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${url}${path}`, {
        method: path.endsWith('config') ? 'PUT' : 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    await post('/api/v1/auth/login', { username: 'ada', password: 'wrong' });
    const { token } = (await (await post('/api/v1/auth/login', { username: 'ada', password: SECRET })).json()) as {
      token: string;
    };
    await post('/api/v1/config', { influx: { password: SECRET, token: 'abc' } }, token);
    await app.close();
    expect(text()).toContain('"user":"ada"');
    expect(text()).not.toContain(SECRET);
    expect(text()).not.toContain(token);
  });
});

describe('secrets in error messages', () => {
  it('keeps a bad hash out of the message', () => {
    expect(messageOf(() => parsePasswordHash(SECRET))).not.toContain(SECRET);
  });

  it('keeps a broken users file line out', () => {
    const path = join(dir, 'users.yaml');
    writeFileSync(path, `users:\n  - username: room-1\n    password_hash: "${SECRET}\n`);
    expect(messageOf(() => loadMqttUsersFile(path))).not.toContain(SECRET);
  });

  it('keeps a plain password in a users file out', () => {
    const path = join(dir, 'users-plain.yaml');
    writeFileSync(path, `users:\n  - username: room-1\n    password_hash: ${SECRET}\n`);
    expect(messageOf(() => loadMqttUsersFile(path))).not.toContain(SECRET);
  });

  it('rejects a plain password in the http users', () => {
    const result = httpAuthSchema.safeParse({ users: [{ username: 'ada', password_hash: SECRET, role: 'admin' }] });
    expect(JSON.stringify(result.error?.issues)).not.toContain(SECRET);
  });
});
