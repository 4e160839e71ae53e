import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../gateway/security/password-hash.js';
import { SecurityError } from '../../gateway/security/security-error.js';

const cheap = { ln: 4, r: 8, p: 1 };

function hashError(hash: string): SecurityError {
  try {
    parsePasswordHash(hash);
  } catch (error) {
    if (error instanceof SecurityError) return error;
    throw error;
  }
  throw new Error(`parsePasswordHash accepted ${hash}`);
}

describe('password-hash', () => {
  it('writes the phc scrypt format', async () => {
    expect(await hashPassword('freezer-7', cheap)).toMatch(
      /^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });

  it('uses ln 14 by default', async () => {
    expect(await hashPassword('freezer-7')).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', cheap)).not.toBe(await hashPassword('same', cheap));
  });

  it('verifies the right password', async () => {
    expect(await verifyPassword('freezer-7', await hashPassword('freezer-7', cheap))).toBe(true);
  });

  it('rejects a wrong password', async () => {
    expect(await verifyPassword('freezer-8', await hashPassword('freezer-7', cheap))).toBe(false);
  });

  it('rejects an empty password to hash', async () => {
    await expect(hashPassword('', cheap)).rejects.toMatchObject({ code: 'PASSWORD_EMPTY' });
  });

  it('rejects text that is no hash', () => {
    expect(hashError('plaintext').code).toBe('PASSWORD_HASH_INVALID');
  });

  it('does not echo the invalid hash', () => {
    expect(hashError('hunter2-plaintext').message).not.toContain('hunter2');
  });

  it('rejects a cost above the bound', () => {
    expect(hashError(`$scrypt$ln=30,r=8,p=1$${'A'.repeat(22)}$${'B'.repeat(43)}`).code).toBe('PASSWORD_HASH_INVALID');
  });

  it('matches the rfc 7914 vector', async () => {
    // RFC 7914 section 12, second test vector: scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64).
    const key = Buffer.from(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
      'hex',
    );
    const parsed = { cost: { ln: 10, r: 8, p: 16 }, salt: Buffer.from('NaCl'), key };
    expect(await verifyPassword('password', parsed)).toBe(true);
  });
});
