/**
 * The session file as the gateway uses it: opened at start, read back into the token store, and written
 * on every login, logout and expiry. A failed open or write never stops logins, because the sessions
 * are also kept in memory. The failure is logged instead, a failed write at most once a minute per
 * operation (insert or delete).
 */
import type { Logger } from 'pino';
import type { RateLimitedLog } from '../rate-limited-log.js';
import { createStoreDirectory } from '../store-directory.js';
import type { HttpUserConfig } from './security-config.js';
import { SessionFile } from './session-file.js';
import type { SessionRecord, SessionRecordSink } from './session-record.js';
import { restoreSessions } from './session-restore.js';

/** Options of `openSessionPersistence`. */
export interface SessionPersistenceOptions {
  /** `http.auth.session_store_path`. */
  path: string;
  /** Setting named in messages about the path, as `stateFileSetting` returns it. */
  setting: string;
  /** `http.auth.users`; a stored session of a user not listed, or listed with another role, is deleted. */
  users: readonly HttpUserConfig[];
  log: Logger;
  /** Log for write failures, limited per key. */
  problemLog: RateLimitedLog;
  /** Clock in milliseconds, default `Date.now`. */
  now_ms?: () => number;
}

/** An open session file: the sessions to restore and the sink that keeps the file in step. */
export interface SessionPersistence {
  records: readonly SessionRecord[];
  sink: SessionRecordSink;
  /** Retries the deletes that failed, then closes the file. */
  close(): void;
}

/**
 * Failed deletes kept for a retry, twice the token store's default session cap. Beyond it the oldest is
 * forgotten, because it is the most likely to have expired before the next start.
 */
const MAX_PENDING_DELETES = 20_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the session file, deletes its expired rows and those of removed users or changed roles, and logs
 * one info line with the counts. Returns undefined after a warning when the file cannot be opened or read.
 */
export function openSessionPersistence(options: SessionPersistenceOptions): SessionPersistence | undefined {
  const { path, log } = options;
  let file: SessionFile | undefined;
  let restored: ReturnType<typeof restoreSessions>;
  try {
    createStoreDirectory(path, options.setting);
    file = SessionFile.open(path);
    restored = restoreSessions(file, options.users, (options.now_ms ?? Date.now)());
  } catch (error) {
    file?.close();
    log.warn(
      { path, err: messageOf(error) },
      'http session file cannot be opened or read, so logins are kept in memory only and end at the next ' +
        `restart; make the file and its directory writable, set ${options.setting} to another file, or ` +
        'delete a damaged file while the gateway is stopped, which logs every user out',
    );
    return undefined;
  }
  log.info(
    {
      path,
      restored: restored.records.length,
      dropped_expired: restored.expired,
      dropped_user_changed: restored.user_changed,
    },
    'http sessions restored',
  );
  return { records: restored.records, ...sessionFileSink(file, options) };
}

/**
 * Returns a sink that writes to `file` and logs a failure instead of throwing. A failed delete is kept
 * and retried before each later write and at close, because its row would otherwise bring a logged-out
 * session back at the next start.
 */
export function sessionFileSink(
  file: SessionFile,
  options: Pick<SessionPersistenceOptions, 'path' | 'problemLog'>,
): Omit<SessionPersistence, 'records'> {
  const { path, problemLog } = options;
  const pendingDeletes = new Set<string>();

  const warn = (operation: 'insert' | 'delete', error: unknown) => {
    const consequence =
      operation === 'insert'
        ? 'the new session is valid only until the gateway stops'
        : 'a logged-out or dropped session may be valid again after a restart; delete the file while the ' +
          'gateway is stopped to log every user out';
    problemLog.warn(
      `session-file:${operation}`,
      { path, operation, err: messageOf(error) },
      `http session file write failed, so ${consequence}; free disk space or make ${path} writable`,
    );
  };

  const retryDeletes = () => {
    if (pendingDeletes.size === 0) return;
    try {
      file.deleteAll([...pendingDeletes]);
      pendingDeletes.clear();
    } catch (error) {
      warn('delete', error);
    }
  };

  const sink: SessionRecordSink = {
    insert(record) {
      retryDeletes();
      try {
        file.insert(record);
      } catch (error) {
        warn('insert', error);
      }
    },
    delete(token_sha256) {
      pendingDeletes.add(token_sha256);
      if (pendingDeletes.size > MAX_PENDING_DELETES) {
        const oldest = pendingDeletes.values().next().value;
        if (oldest !== undefined) pendingDeletes.delete(oldest);
      }
      retryDeletes();
    },
  };
  const close = () => {
    retryDeletes();
    file.close();
  };
  return { sink, close };
}
