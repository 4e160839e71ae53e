/** Selection of the stored sessions that a starting gateway honours. */
import type { HttpUserConfig } from './security-config.js';
import { isHttpRole, type SessionFile } from './session-file.js';
import type { SessionRecord } from './session-record.js';

/** The outcome of `restoreSessions`: the sessions to honour and how many rows were deleted, by reason. */
export interface RestoredSessions {
  records: SessionRecord[];
  /** Rows whose expiry had passed. */
  expired: number;
  /** Rows whose user is no longer in `http.auth.users` or whose role there differs from the stored one. */
  user_changed: number;
}

/**
 * Reads the rows of `file` and deletes those that must not be honoured: expired ones, and those whose
 * user was removed from `users` or given another role. Returns the rest. Throws when the file cannot be
 * read or the rows cannot be deleted.
 */
export function restoreSessions(file: SessionFile, users: readonly HttpUserConfig[], now_ms: number): RestoredSessions {
  const roles = new Map(users.map((user) => [user.username, user.role]));
  const records: SessionRecord[] = [];
  const dropped: string[] = [];
  let expired = 0;
  let user_changed = 0;
  for (const row of file.readAll()) {
    if (row.expires_at_ms <= now_ms) {
      expired++;
      dropped.push(row.token_sha256);
      continue;
    }
    const role = row.role;
    if (roles.get(row.name) !== role || !isHttpRole(role)) {
      user_changed++;
      dropped.push(row.token_sha256);
      continue;
    }
    records.push({ ...row, role });
  }
  if (dropped.length > 0) file.deleteAll(dropped);
  return { records, expired, user_changed };
}
