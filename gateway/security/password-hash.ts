/**
 * Salted scrypt password hashes (RFC 7914) in the PHC string format:
 * `$scrypt$ln=14,r=8,p=1$<salt>$<hash>`, salt and hash in base64 without padding. N = 2^ln.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { SecurityError } from './security-error.js';

/** Cost parameters of a new hash. */
export interface ScryptCost {
  /** log2 of the CPU/memory cost N, default 14 (N = 16384, 16 MiB with r = 8). */
  ln: number;
  /** Block size, default 8. */
  r: number;
  /** Parallelisation, default 1. */
  p: number;
}

/** Cost of new hashes: the scrypt paper's interactive-login setting (N = 2^14, r = 8, p = 1). */
export const DEFAULT_SCRYPT_COST: ScryptCost = { ln: 14, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Upper bounds on a parsed hash's cost, so a hostile hash in a config cannot take gigabytes to check. */
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/;

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function derive(password: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.ln;
  const maxmem = 128 * N * cost.r * cost.p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { N, r: cost.r, p: cost.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function encode(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Parses a PHC scrypt string; throws `SecurityError` `PASSWORD_HASH_INVALID` naming `where`. */
export function parsePasswordHash(hash: string, where = 'password_hash'): ParsedHash {
  const match = PHC.exec(hash);
  if (match === null) {
    throw new SecurityError(
      'PASSWORD_HASH_INVALID',
      `${where} is not a scrypt hash of the form $scrypt$ln=14,r=8,p=1$salt$hash; create one with \`coldpool passwd\``,
    );
  }
  const cost = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (cost.ln < 1 || cost.ln > MAX_LN || cost.r < 1 || cost.r > MAX_R || cost.p < 1 || cost.p > MAX_P) {
    throw new SecurityError(
      'PASSWORD_HASH_INVALID',
      `${where} has scrypt cost ln=${cost.ln},r=${cost.r},p=${cost.p}; allowed are ln 1-${MAX_LN}, r 1-${MAX_R}, p 1-${MAX_P}`,
    );
  }
  return { cost, salt: Buffer.from(match[4]!, 'base64'), key: Buffer.from(match[5]!, 'base64') };
}

/** Hashes `password` with a fresh random salt. Throws `SecurityError` `PASSWORD_EMPTY` for an empty one. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  if (password.length === 0)
    throw new SecurityError('PASSWORD_EMPTY', 'the password is empty; type at least one character');
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${encode(salt)}$${encode(key)}`;
}

/** Returns true when `password` matches `hash`, comparing in constant time. */
export async function verifyPassword(password: string, hash: string | ParsedHash): Promise<boolean> {
  const parsed = typeof hash === 'string' ? parsePasswordHash(hash) : hash;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A hash of a random password, checked when a user name is unknown so the reply takes as long as for a
 * known user and timing does not reveal which user names exist.
 */
let decoyHash: Promise<ParsedHash> | undefined;
export function decoyPasswordHash(): Promise<ParsedHash> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex')).then((hash) => parsePasswordHash(hash));
  return decoyHash;
}
