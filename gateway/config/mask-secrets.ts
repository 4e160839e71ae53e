/**
 * Masks credentials in a gateway configuration before it is recorded or shown: the audit trail keeps
 * every `config_change` for good, so a hash written there cannot be removed later.
 */
import { createHash } from 'node:crypto';
import { redactUrlText } from '../secrets.js';

/**
 * Keys whose values are credentials themselves: scrypt password hashes and SHA-256 token hashes. Their
 * values become a fingerprint, so a changed password or token still shows as a config change.
 */
export const CREDENTIAL_HASH_KEYS: ReadonlySet<string> = new Set(['password_hash', 'token_sha256']);

/**
 * Keys whose values name where a secret lives (an environment variable or a file). Their values become
 * `[set]`.
 */
export const SECRET_REFERENCE_KEYS: ReadonlySet<string> = new Set(['password_env', 'password_file', 'secret_env']);

/**
 * Key names that suggest a secret. A string under such a key that neither set above lists is masked as
 * `[set]` too, so a key added to the schema later is covered before anyone lists it.
 */
const SECRET_LIKE_KEY = /pass|secret|token|credential|private_key|api_key/i;

/** Value that replaces a masked secret reference or an unknown secret-like string. */
export const MASKED_REFERENCE = '[set]';

/**
 * Returns the marker that replaces a password or token hash: `[set <8 hex digits>]`, the first 32 bits
 * of a SHA-256 over a fixed prefix and the hash. A scrypt hash carries a random salt of at least 12
 * bytes, which the marker does not keep, so the marker cannot test password guesses. A token from
 * `coldpool passwd --token` has 256 random bits, so 32 bits of a hash of its hash leave it unguessable.
 */
export function credentialFingerprint(value: string): string {
  const digest = createHash('sha256').update(`coldpool config fingerprint\n${value}`).digest('hex');
  return `[set ${digest.slice(0, 8)}]`;
}

/** A value that `maskConfigSecrets` already produced, left as it is so masking twice changes nothing. */
const MASKED = /^\[set( [0-9a-f]{8})?\]$/;

function maskValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string' || MASKED.test(value)) return value;
  if (CREDENTIAL_HASH_KEYS.has(key)) return credentialFingerprint(value);
  if (SECRET_REFERENCE_KEYS.has(key) || SECRET_LIKE_KEY.test(key)) return MASKED_REFERENCE;
  // A Redis, webhook or MQTT URL may carry a password, which the append-only trail must never keep.
  if (/(^|_)url$/.test(key)) return redactUrlText(value);
  return value;
}

/**
 * Returns a JSON copy of `config` with credentials masked: password and token hashes become
 * `credentialFingerprint` markers, secret references and other secret-like strings become `[set]`, and
 * URL passwords become `***`. Paths such as `mqtt.broker.tls.key_file` stay, because the key itself is
 * never in the configuration. Masking a masked copy again returns an equal copy.
 */
export function maskConfigSecrets(config: unknown): unknown {
  const text = JSON.stringify(config, (key, value: unknown) => maskValue(key, value));
  return text === undefined ? undefined : JSON.parse(text);
}
