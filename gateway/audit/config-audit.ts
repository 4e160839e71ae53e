/** Audit entries for configuration changes: the SHA-256 of the configuration and the configuration itself. */
import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry.js';
import type { AuditTrail } from './audit-trail.js';
import { canonicalJson } from './canonical-json.js';

/**
 * Appends a `config_change` entry when the configuration differs from the last one recorded, and returns
 * it; returns undefined when nothing changed. Pass the configuration with secrets left out: it is stored
 * as given.
 */
export function recordConfigChange(
  trail: AuditTrail,
  config: unknown,
  actor: string,
  time_ms: number,
): AuditEntry | undefined {
  const sha256 = createHash('sha256').update(canonicalJson(config)).digest('hex');
  const previous = trail.latest('config_change');
  const previousHash = (previous?.payload as { sha256?: string } | undefined)?.sha256;
  if (previousHash === sha256) return undefined;
  return trail.append({
    time_ms,
    kind: 'config_change',
    actor,
    subject: 'config',
    payload: { sha256, previous_sha256: previousHash ?? null, config },
  });
}
