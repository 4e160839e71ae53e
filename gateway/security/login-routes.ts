/** Login and logout routes of the HTTP API: a user name and password in, a session token out. */
import type { FastifyInstance } from 'fastify';
import { parseAuthorization } from './authorization-header.js';
import { sendAuthError } from './cors.js';
import type { HttpUserStore } from './http-users.js';
import type { RateLimiter } from './rate-limiter.js';
import type { TokenStore } from './token-store.js';

/** A rejected login: the user name, the source address and the reason. It never contains the password. */
export interface LoginFailure {
  ip: string;
  username: string;
  reason: 'wrong_credentials' | 'rate_limited';
}

export interface LoginRouteSettings {
  loginPath: string;
  logoutPath: string;
  tokens: TokenStore;
  users: HttpUserStore;
  limiter: RateLimiter;
  /** Receives every failed login. */
  onFailure?: (failure: LoginFailure) => void;
}

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 128 },
    // `writeOnly` keeps the value out of validation messages (gateway/api/validation-issue.ts).
    password: { type: 'string', minLength: 1, maxLength: 1024, writeOnly: true },
  },
} as const;

/** Registers `POST loginPath` and `POST logoutPath` on `app`. */
export function registerLoginRoutes(app: FastifyInstance, settings: LoginRouteSettings): void {
  const { tokens, users, limiter } = settings;
  app.post<{ Body: { username: string; password: string } }>(
    settings.loginPath,
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with a user name and password and receive a session token',
        security: [],
        body: loginBody,
      },
    },
    async (request, reply) => {
      // Every attempt spends one login of its address before the scrypt check, so a flood costs no CPU. A
      // successful one gets it back: operators sharing one address (a kiosk, a NAT) are limited only by
      // failed logins, and a valid account cannot refill more than its own attempt.
      if (!limiter.take(request.ip)) {
        settings.onFailure?.({ ip: request.ip, username: request.body.username, reason: 'rate_limited' });
        const retry_s = Math.ceil(limiter.retryAfterMs(request.ip) / 1000);
        reply.header('retry-after', String(retry_s));
        return sendAuthError(
          reply,
          429,
          'AUTH_LOGIN_RATE_LIMITED',
          `too many logins from ${request.ip}; retry in ${retry_s} s`,
        );
      }
      const { username, password } = request.body;
      const role = await users.verify(username, password);
      if (role === undefined) {
        settings.onFailure?.({ ip: request.ip, username, reason: 'wrong_credentials' });
        return sendAuthError(reply, 401, 'AUTH_LOGIN_FAILED', 'wrong user name or password');
      }
      limiter.refund(request.ip);
      const issued = tokens.issue(username, role);
      return { token: issued.token, token_type: 'Bearer', role, expires_at_ms: issued.expires_at_ms };
    },
  );
  const logoutSchema = { tags: ['auth'], summary: 'Revoke the session token of the request' };
  app.post(settings.logoutPath, { schema: logoutSchema }, async (request, reply) => {
    const header = request.headers.authorization;
    const credentials = header === undefined ? undefined : parseAuthorization(header);
    const token = credentials?.scheme === 'bearer' ? credentials.token : undefined;
    if (token === undefined) return reply.code(204).send();
    // A token of `http.auth.tokens` stays valid until the config changes, so a 204 would mislead its holder.
    const check = tokens.check(token);
    if (check.ok && check.holder.kind === 'config') {
      return sendAuthError(
        reply,
        409,
        'AUTH_TOKEN_NOT_REVOCABLE',
        `token ${check.holder.name} comes from http.auth.tokens, so logging out cannot revoke it; remove its entry ` +
          'or set an earlier expires_at in the config file and restart the gateway',
      );
    }
    tokens.revoke(token);
    return reply.code(204).send();
  });
}
