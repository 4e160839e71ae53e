import { describe, expect, it } from 'vitest';
import { createMqttAccess, type MqttIdentity } from '../../gateway/security/mqtt-access.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import { mqttAuthSchema } from '../../gateway/security/security-config.js';

const cheap = { ln: 4, r: 8, p: 1 };

async function policy(extra: Record<string, unknown> = {}) {
  const config = mqttAuthSchema.parse({
    users: [
      { username: 'room-1', password_hash: await hashPassword('pw-room-1', cheap) },
      { username: 'dashboard', password_hash: await hashPassword('pw-dash', cheap), role: 'reader' },
      { username: 'truck-7', role: 'device', publish: ['fleet/truck-7/telemetry'] },
    ],
    ...extra,
  });
  return createMqttAccess(config);
}

async function identity(username: string, password: string): Promise<MqttIdentity> {
  const result = await (await policy()).authenticate({ client_id: 'c1', username, password: Buffer.from(password) });
  if (!result.ok) throw new Error(`login of ${username} failed: ${result.reason}`);
  return result.identity;
}

describe('mqtt-access', () => {
  it('accepts the right password', async () => {
    expect((await identity('room-1', 'pw-room-1')).role).toBe('device');
  });

  it('rejects a wrong password', async () => {
    const access = await policy();
    const result = await access.authenticate({ client_id: 'c', username: 'room-1', password: Buffer.from('x') });
    expect(result).toEqual({ ok: false, reason: 'wrong_password' });
  });

  it('rejects an unknown user', async () => {
    const access = await policy();
    const result = await access.authenticate({ client_id: 'c', username: 'nobody', password: Buffer.from('x') });
    expect(result).toEqual({ ok: false, reason: 'unknown_user' });
  });

  it('rejects anonymous by default', async () => {
    const result = await (await policy()).authenticate({ client_id: 'c' });
    expect(result).toEqual({ ok: false, reason: 'anonymous' });
  });

  it('gives anonymous the reader role when allowed', async () => {
    const result = await (await policy({ allow_anonymous: true })).authenticate({ client_id: 'c' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.identity.role).toBe('reader');
  });

  it('rejects password login without hash', async () => {
    const access = await policy();
    const result = await access.authenticate({ client_id: 'c', username: 'truck-7', password: Buffer.from('') });
    expect(result).toEqual({ ok: false, reason: 'no_password' });
  });

  it('accepts certificate login by cn', async () => {
    const result = await (await policy()).authenticate({ client_id: 'c', certificate_cn: 'truck-7' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.identity.method).toBe('certificate');
  });

  it('rejects certificate with other user name', async () => {
    const access = await policy();
    const result = await access.authenticate({ client_id: 'c', username: 'room-1', certificate_cn: 'truck-7' });
    expect(result).toEqual({ ok: false, reason: 'certificate_mismatch' });
  });

  it('lets a device publish under its prefix', async () => {
    const access = await policy();
    expect(access.canPublish(await identity('room-1', 'pw-room-1'), 'c1', 'devices/room-1/state')).toBe(true);
  });

  it('rejects a device publishing elsewhere', async () => {
    const access = await policy();
    expect(access.canPublish(await identity('room-1', 'pw-room-1'), 'c1', 'devices/room-2/state')).toBe(false);
  });

  it('adds per-user publish patterns', async () => {
    const access = await policy();
    const result = await access.authenticate({ client_id: 'c', certificate_cn: 'truck-7' });
    if (!result.ok) throw new Error(result.reason);
    expect(access.canPublish(result.identity, 'c', 'fleet/truck-7/telemetry')).toBe(true);
  });

  it('lets a device subscribe to its commands', async () => {
    const access = await policy();
    expect(access.canSubscribe(await identity('room-1', 'pw-room-1'), 'c1', 'commands/room-1/#')).toBe(true);
  });

  it('rejects a device subscribing to all', async () => {
    const access = await policy();
    expect(access.canSubscribe(await identity('room-1', 'pw-room-1'), 'c1', '#')).toBe(false);
  });

  it('lets a reader subscribe to all', async () => {
    const access = await policy();
    expect(access.canSubscribe(await identity('dashboard', 'pw-dash'), 'c1', 'devices/#')).toBe(true);
  });

  it('rejects a reader publishing', async () => {
    const access = await policy();
    expect(access.canPublish(await identity('dashboard', 'pw-dash'), 'c1', 'devices/room-1/state')).toBe(false);
  });

  it('rejects a user defined twice', async () => {
    const hash = await hashPassword('x', cheap);
    const config = mqttAuthSchema.parse({ users: [{ username: 'a', password_hash: hash }] });
    expect(() => createMqttAccess(config, [{ ...config.users[0]! }])).toThrow(/defined twice/);
  });
});
