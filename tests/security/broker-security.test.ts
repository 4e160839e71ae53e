import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBrokerSecurity } from '../../gateway/security/broker-security.js';
import { createInternalMqttUser } from '../../gateway/security/internal-user.js';
import { hashPassword } from '../../gateway/security/password-hash.js';
import { mqttAuthSchema, mqttTlsSchema } from '../../gateway/security/security-config.js';

const dir = mkdtempSync(join(tmpdir(), 'coldpool-brokersec-'));
let usersFile: string;

beforeAll(async () => {
  usersFile = join(dir, 'mqtt-users.yaml');
  const hash = await hashPassword('pw-room-9', { ln: 4, r: 8, p: 1 });
  writeFileSync(usersFile, `users:\n  - username: room-9\n    password_hash: "${hash}"\n`);
  chmodSync(usersFile, 0o600);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prepareBrokerSecurity', () => {
  it('returns no access without auth', () => {
    expect(prepareBrokerSecurity({}).access).toBeUndefined();
  });

  it('reads users from the users file', async () => {
    const { access } = prepareBrokerSecurity({ auth: mqttAuthSchema.parse({ users_file: usersFile }) });
    const result = await access?.authenticate({
      client_id: 'c',
      username: 'room-9',
      password: Buffer.from('pw-room-9'),
    });
    expect(result?.ok).toBe(true);
  });

  it('rejects a missing users file', () => {
    const auth = mqttAuthSchema.parse({ users_file: join(dir, 'missing.yaml') });
    expect(() => prepareBrokerSecurity({ auth })).toThrow(/users_file .*missing\.yaml cannot be read/);
  });

  it('rejects an invalid users file', () => {
    const path = join(dir, 'bad-users.yaml');
    writeFileSync(path, 'users:\n  - username: room-9\n    password: plain\n');
    const auth = mqttAuthSchema.parse({ users_file: path });
    expect(() => prepareBrokerSecurity({ auth })).toThrow(expect.objectContaining({ code: 'MQTT_USERS_FILE_INVALID' }));
  });

  it('warns for a readable tls key', () => {
    const key = join(dir, 'broker.key');
    writeFileSync(key, 'not a key');
    chmodSync(key, 0o644);
    const tls = mqttTlsSchema.parse({ cert_file: join(dir, 'broker.crt'), key_file: key });
    expect(prepareBrokerSecurity({ tls }).warnings[0]).toContain('mqtt.broker.tls.key_file');
  });

  it('passes tls settings through', () => {
    const tls = mqttTlsSchema.parse({ cert_file: 'a.crt', key_file: 'a.key', port: 0 });
    expect(prepareBrokerSecurity({ tls }).tls?.port).toBe(0);
  });
});

describe('createInternalMqttUser', () => {
  it('logs in with its random password', async () => {
    const internal = await createInternalMqttUser();
    const { access } = prepareBrokerSecurity({ auth: mqttAuthSchema.parse({}) }, [internal.user]);
    const result = await access?.authenticate({
      client_id: 'coldpool-gateway',
      username: internal.username,
      password: Buffer.from(internal.password),
    });
    expect(result?.ok).toBe(true);
  });

  it('may publish and subscribe anywhere', async () => {
    const internal = await createInternalMqttUser();
    const { access } = prepareBrokerSecurity({ auth: mqttAuthSchema.parse({}) }, [internal.user]);
    const result = await access?.authenticate({
      client_id: 'c',
      username: internal.username,
      password: Buffer.from(internal.password),
    });
    if (!result?.ok) throw new Error('internal user login failed');
    expect(access?.canPublish(result.identity, 'c', 'coldpool/readings/depot/room-1')).toBe(true);
    expect(access?.canSubscribe(result.identity, 'c', '#')).toBe(true);
  });

  it('makes a new password each time', async () => {
    expect((await createInternalMqttUser()).password).not.toBe((await createInternalMqttUser()).password);
  });
});
