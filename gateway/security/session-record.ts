/** A persisted HTTP session and the interface through which `TokenStore` reports session changes. */
import type { HttpRole } from './security-config.js';

/** A session as stored on disk: the token's SHA-256, never the token itself. */
export interface SessionRecord {
  /** SHA-256 of the session token in lowercase hex (`tokenSha256`). */
  token_sha256: string;
  /** User name from `http.auth.users`. */
  name: string;
  role: HttpRole;
  /** Login time, integer milliseconds since the epoch. */
  issued_at_ms: number;
  /** Expiry, integer milliseconds since the epoch. */
  expires_at_ms: number;
}

/**
 * Receiver of session changes, called after the in-memory change. Implementations handle and log their
 * own errors and must not throw, because a failed write must not fail a login or a logout.
 */
export interface SessionRecordSink {
  insert(record: SessionRecord): void;
  delete(token_sha256: string): void;
}
