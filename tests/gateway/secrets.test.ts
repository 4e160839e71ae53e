import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passwordSetting, readSecret, SecretError } from '../../gateway/secrets.js';

function secretError(password_file: string): SecretError {
  try {
    readSecret({ password_file }, 'mqtt');
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  throw new Error(`readSecret read ${password_file}`);
}

describe('password files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-secret-'));

  it('reads the first line', () => {
    const file = join(dir, 'ok.pass');
    writeFileSync(file, 'secret-1\nignored\n');
    expect(readSecret({ password_file: file }, 'mqtt')).toBe('secret-1');
  });

  it('says how to fix a missing file', () => {
    const file = join(dir, 'missing.pass');
    expect(secretError(file).message).toBe(
      `mqtt.password_file: ${file} does not exist; create it with the password on its first line, or correct mqtt.password_file`,
    );
  });

  it('says how to fix a directory', () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    expect(secretError(folder).message).toBe(
      `mqtt.password_file: ${folder} is a directory; name the file that holds the password, or create it`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('says how to fix an unreadable file', () => {
    const file = join(dir, 'locked.pass');
    writeFileSync(file, 'secret-1\n');
    chmodSync(file, 0o000);
    expect(secretError(file).message).toBe(
      `mqtt.password_file: ${file} is not readable (EACCES); let the user that runs coldpool read it, or correct mqtt.password_file`,
    );
  });
});

describe('password setting', () => {
  it('names the setting readSecret reads', () => {
    const both = { password_env: 'CENTRAL_PASSWORD', password_file: '/etc/coldpool/central.pass' };
    expect(passwordSetting(both, 'upstream')).toBe('upstream.password_env (CENTRAL_PASSWORD)');
    expect(passwordSetting({ password_file: both.password_file }, 'upstream')).toBe(
      'upstream.password_file (/etc/coldpool/central.pass)',
    );
    expect(passwordSetting({}, 'upstream')).toBeUndefined();
  });
});
