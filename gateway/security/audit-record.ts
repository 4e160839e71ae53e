/** Audit records of state-changing HTTP requests: who did what, and the outcome. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSafeMethod } from './http-roles.js';
import type { HttpRole } from './security-config.js';

/** One state-changing request, written after the reply is sent, whether it succeeded or not. */
export interface AuditRecord {
  /** Time the reply was sent, integer milliseconds since the epoch. */
  time_ms: number;
  method: string;
  /** Path and query as requested. */
  url: string;
  /** Route pattern, such as `/api/v1/alarms/:id/acknowledge`, or undefined when no route matched. */
  route: string | undefined;
  status: number;
  /** User or token name; undefined when the request had no valid token. */
  user: string | undefined;
  role: HttpRole | undefined;
  /** Source address of the request. */
  address: string;
  /** Request body with every key named like a password, secret, token or key replaced by `[redacted]`. */
  body: unknown;
}

/** Keys whose values the audit record never contains. */
const SECRET_KEY = /pass|secret|token|key/i;
/** Nesting depth beyond which a body is cut, so a hostile body cannot make the copy deep. */
const MAX_DEPTH = 8;

/** Returns a copy of `value` with secret-named keys replaced by `[redacted]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((each) => redactSecrets(each, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, each] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(each, depth + 1);
  }
  return copy;
}

/** User of an authenticated request. */
export interface RequestUser {
  name: string;
  role: HttpRole;
}

/** Builds the onResponse hook that passes a record of each state-changing request to `write`. */
export function auditHook(
  write: (record: AuditRecord) => void,
  userOf: (request: FastifyRequest) => RequestUser | undefined,
  now: () => number,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isSafeMethod(request.method)) return;
    const user = userOf(request);
    write({
      time_ms: now(),
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      status: reply.statusCode,
      user: user?.name,
      role: user?.role,
      address: request.ip,
      body: redactSecrets(request.body),
    });
  };
}
