/** Warnings for `http.auth.tokens` entries that have expired, which the API rejects with 401. */
import type { HttpAuthConfig } from './security-config.js';

/** Returns one warning for each token whose `expires_at` is at or before `now_ms`. */
export function expiredTokenWarnings(auth: HttpAuthConfig | undefined, now_ms: number): string[] {
  if (auth === undefined) return [];
  const warnings: string[] = [];
  auth.tokens.forEach((token, index) => {
    if (Date.parse(token.expires_at) > now_ms) return;
    warnings.push(
      `http.auth.tokens[${index}] (${token.name}) expired at ${token.expires_at}, so the API rejects it with 401 AUTH_TOKEN_EXPIRED; create a new token with coldpool passwd --token and set its token_sha256 and a later expires_at, or remove the entry`,
    );
  });
  return warnings;
}
