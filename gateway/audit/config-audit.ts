/** Audit entries for configuration changes: the SHA-256 of the masked configuration and that configuration. */
import { createHash } from 'node:crypto';
import { maskConfigSecrets } from '../config/mask-secrets.js';
import type { AuditEntry } from './audit-entry.js';
import type { AuditTrail } from './audit-trail.js';
import { canonicalJson } from './canonical-json.js';

/**
 * Appends a `config_change` entry when the configuration differs from the last one recorded, and returns
 * it; returns undefined when nothing changed. The configuration is stored and hashed after
 * `maskConfigSecrets`, so a password or token hash shows only as a fingerprint.
 */
export function recordConfigChange(
  trail: AuditTrail,
  config: unknown,
  actor: string,
  time_ms: number,
): AuditEntry | undefined {
  const masked = maskConfigSecrets(config);
  const sha256 = createHash('sha256').update(canonicalJson(masked)).digest('hex');
  const previous = trail.latest('config_change');
  const previousHash = (previous?.payload as { sha256?: string } | undefined)?.sha256;
  if (previousHash === sha256) return undefined;
  return trail.append({
    time_ms,
    kind: 'config_change',
    actor,
    subject: 'config',
    payload: { sha256, previous_sha256: previousHash ?? null, config: masked },
  });
}
