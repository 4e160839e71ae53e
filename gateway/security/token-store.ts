/**
 * Bearer tokens for the HTTP API: session tokens issued at login and long-lived tokens from the config.
 * Only the SHA-256 of a token is stored. A token carries 256 random bits, so a plain hash suffices and no
 * slow password hash is needed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HttpRole, HttpTokenConfig } from './security-config.js';
import type { SessionRecord, SessionRecordSink } from './session-record.js';

/** Prefix of every token, so a leaked one is easy to recognise in logs and secret scanners. */
export const TOKEN_PREFIX = 'cpt_';

/** Holder of a valid token. */
export interface TokenHolder {
  /** User name, or the name of a config token. */
  name: string;
  role: HttpRole;
  kind: 'session' | 'config';
  /** Expiry, integer milliseconds since the epoch. */
  expires_at_ms: number;
}

export type TokenCheck =
  | { ok: true; holder: TokenHolder }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'expired'; holder: TokenHolder };

/** Returns a new random token: the prefix and 32 random bytes in base64url. */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Returns the SHA-256 of `token` in lowercase hex, the form stored and written in `token_sha256`. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Options of `TokenStore`. */
export interface TokenStoreOptions {
  /** Lifetime of a session token, seconds. */
  session_ttl_s: number;
  /** Tokens from `http.auth.tokens`. */
  config_tokens?: readonly HttpTokenConfig[];
  /** Session tokens kept at once, default 10000. When full, the one that expires first is dropped. */
  max_sessions?: number;
  /** Sessions restored from the session file at start. Expired ones are skipped, and the cap applies. */
  sessions?: readonly SessionRecord[];
  /** Receives every session added and removed, to keep the session file in step. Default none. */
  session_sink?: SessionRecordSink;
  /** Clock in milliseconds, default `Date.now`. */
  now_ms?: () => number;
}

export class TokenStore {
  private readonly byHash = new Map<string, TokenHolder>();
  private readonly now: () => number;
  private sessions = 0;

  constructor(private readonly options: TokenStoreOptions) {
    this.now = options.now_ms ?? Date.now;
    for (const token of options.config_tokens ?? []) {
      const expires_at_ms = Date.parse(token.expires_at);
      this.byHash.set(token.token_sha256, { name: token.name, role: token.role, kind: 'config', expires_at_ms });
    }
    for (const record of options.sessions ?? []) this.restore(record);
  }

  /**
   * Issues a session token for `name` with `role` and returns it. Only its SHA-256 is kept, in memory and
   * through `session_sink`.
   */
  issue(name: string, role: HttpRole): { token: string; expires_at_ms: number } {
    this.sweepExpired();
    if (this.sessions >= this.maxSessions()) this.dropSoonestSession();
    const token = generateToken();
    const issued_at_ms = this.now();
    const expires_at_ms = issued_at_ms + this.options.session_ttl_s * 1000;
    const token_sha256 = tokenSha256(token);
    this.byHash.set(token_sha256, { name, role, kind: 'session', expires_at_ms });
    this.sessions++;
    this.options.session_sink?.insert({ token_sha256, name, role, issued_at_ms, expires_at_ms });
    return { token, expires_at_ms };
  }

  /** Removes every expired session token and returns the count. Each login runs it before the cap check. */
  sweepExpired(): number {
    const now = this.now();
    const expired: string[] = [];
    for (const [hash, holder] of this.byHash) {
      if (holder.kind === 'session' && holder.expires_at_ms <= now) expired.push(hash);
    }
    for (const hash of expired) this.remove(hash);
    return expired.length;
  }

  /** Checks `token`. An expired session token is removed on the way. */
  check(token: string): TokenCheck {
    const hash = tokenSha256(token);
    const holder = this.byHash.get(hash);
    if (holder === undefined) return { ok: false, reason: 'invalid' };
    if (holder.expires_at_ms <= this.now()) {
      if (holder.kind === 'session') this.remove(hash);
      return { ok: false, reason: 'expired', holder };
    }
    return { ok: true, holder };
  }

  /** Revokes a session token (logout); returns false when it was not a live session token. */
  revoke(token: string): boolean {
    const hash = tokenSha256(token);
    if (this.byHash.get(hash)?.kind !== 'session') return false;
    this.remove(hash);
    return true;
  }

  /** Number of session tokens held, live or not yet swept. */
  sessionCount(): number {
    return this.sessions;
  }

  private maxSessions(): number {
    return this.options.max_sessions ?? 10000;
  }

  /**
   * Adds a stored session unless it has expired or its hash is already held. Over the cap, the session
   * that expires first is dropped, which may be the one just added.
   */
  private restore(record: SessionRecord): void {
    if (record.expires_at_ms <= this.now() || this.byHash.has(record.token_sha256)) return;
    const { name, role, expires_at_ms } = record;
    this.byHash.set(record.token_sha256, { name, role, kind: 'session', expires_at_ms });
    this.sessions++;
    if (this.sessions > this.maxSessions()) this.dropSoonestSession();
  }

  /** Removes a session token and reports it to the sink. Config tokens are never passed here. */
  private remove(hash: string): void {
    if (!this.byHash.delete(hash)) return;
    this.sessions--;
    this.options.session_sink?.delete(hash);
  }

  private dropSoonestSession(): void {
    let soonest: [string, number] | undefined;
    for (const [hash, holder] of this.byHash) {
      if (holder.kind === 'session' && (soonest === undefined || holder.expires_at_ms < soonest[1])) {
        soonest = [hash, holder.expires_at_ms];
      }
    }
    if (soonest !== undefined) this.remove(soonest[0]);
  }
}
