/**
 * Authentication and authorisation of the HTTP API: bearer tokens (RFC 6750), roles per route, a login
 * route with a per-address rate limit, closed CORS and an audit record of every state-changing request.
 * Replies use the API error envelope: 401 for a missing, wrong or expired token or a scheme other than
 * Bearer, 403 for a role that may not call the route, 429 when logins from one address exceed the limit.
 * A request that matches no route gets 404 from the API's not-found handler once its token is valid.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuditRecord, auditHook, type RequestUser } from './audit-record.js';
import { parseAuthorization } from './authorization-header.js';
import { corsHook, sendAuthError } from './cors.js';
import { API_ROUTE_ROLES, type RouteRole, requiredRole, roleAllows } from './http-roles.js';
import { HttpUserStore } from './http-users.js';
import { type LoginFailure, registerLoginRoutes } from './login-routes.js';
import { RateLimiter } from './rate-limiter.js';
import type { HttpAuthConfig } from './security-config.js';
import type { SessionRecord, SessionRecordSink } from './session-record.js';
import { type TokenHolder, TokenStore } from './token-store.js';

/** Options of `httpAuth`. */
export interface HttpAuthOptions {
  /** Parsed `http.auth` config. */
  config: HttpAuthConfig;
  /** Routes that need a role above their method's default (viewer for GET, admin otherwise). Default `API_ROUTE_ROLES`. */
  route_roles?: readonly RouteRole[];
  /** Route patterns served without a token, in addition to the login route. Default none. */
  public_routes?: readonly string[];
  /** Path of the login route. Default `/api/v1/auth/login`; logout is `/api/v1/auth/logout`. */
  login_path?: string;
  logout_path?: string;
  /** Receives a record of every state-changing request after its reply. Default none. */
  audit?: (record: AuditRecord) => void;
  /** Receives every failed login (wrong user name or password, or too many attempts). Default none. */
  login_failed?: (failure: LoginFailure) => void;
  /** Clock in milliseconds, default `Date.now`. */
  now_ms?: () => number;
  /** Session tokens restored from the session file. Default none. */
  sessions?: readonly SessionRecord[];
  /** Receives every session token issued and removed, to write the session file. Default none. */
  session_sink?: SessionRecordSink;
}

/** The parts `httpAuth` returns. */
export interface HttpAuth {
  /**
   * onRequest hook for every route: checks the bearer token and the route's role. It runs before the body
   * is read and validated, so a request without a valid token gets 401 whatever its body.
   */
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /** Installs CORS, `onRequest`, the audit hook and the login and logout routes on the whole app. */
  plugin(app: FastifyInstance): Promise<void>;
  /** Returns the user of an authenticated request, undefined before `onRequest` ran or for public routes. */
  userOf(request: FastifyRequest): RequestUser | undefined;
  tokens: TokenStore;
  users: HttpUserStore;
  loginLimiter: RateLimiter;
}

function wrongSchemeMessage(name: string): string {
  const used =
    name === '' ? 'the Authorization header has no scheme' : `the Authorization scheme ${name} is not supported`;
  return `${used}; log in and send Authorization: Bearer <token>`;
}

function challenge(reply: FastifyReply, error: string, code: string, message: string): FastifyReply {
  reply.header('www-authenticate', `Bearer realm="coldpool", error="${error}"`);
  return sendAuthError(reply, 401, code, message);
}

/**
 * Returns the 401 message for an expired token. Logging in renews a session token, but a token from
 * `http.auth.tokens` is renewed only by replacing its entry in the config.
 */
function expiredTokenMessage(holder: TokenHolder): string {
  if (holder.kind === 'session') return 'the token has expired; log in again';
  const expiresAt = new Date(holder.expires_at_ms).toISOString();
  return (
    `the token ${holder.name} from http.auth.tokens expired at ${expiresAt}, and logging in cannot renew it; ` +
    'create a new token with coldpool passwd --token, and set its token_sha256 and a later expires_at in ' +
    'that http.auth.tokens entry'
  );
}

/** Builds the HTTP authentication of the API from `http.auth`. */
export function httpAuth(options: HttpAuthOptions): HttpAuth {
  const now = options.now_ms ?? Date.now;
  const config = options.config;
  const tokens = new TokenStore({
    session_ttl_s: config.session_ttl_s,
    config_tokens: config.tokens,
    now_ms: now,
    ...(options.sessions !== undefined ? { sessions: options.sessions } : {}),
    ...(options.session_sink !== undefined ? { session_sink: options.session_sink } : {}),
  });
  const users = new HttpUserStore(config.users);
  const loginLimiter = new RateLimiter({
    max_events: config.max_logins_per_window,
    window_s: config.login_window_s,
    now_ms: now,
  });
  const loginPath = options.login_path ?? '/api/v1/auth/login';
  const logoutPath = options.logout_path ?? '/api/v1/auth/logout';
  const publicRoutes = new Set([loginPath, ...(options.public_routes ?? [])]);
  const table = [
    ...(options.route_roles ?? API_ROUTE_ROLES),
    { method: 'POST', url: logoutPath, role: 'viewer' as const },
  ];
  const requestUsers = new WeakMap<FastifyRequest, RequestUser>();

  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && publicRoutes.has(route)) return undefined;

    const header = request.headers.authorization;
    if (header === undefined) {
      return challenge(
        reply,
        'invalid_request',
        'AUTH_TOKEN_MISSING',
        'no bearer token; log in and send Authorization: Bearer <token>',
      );
    }

    const credentials = parseAuthorization(header);
    if (credentials.scheme === 'other') {
      return challenge(reply, 'invalid_request', 'AUTH_SCHEME_UNSUPPORTED', wrongSchemeMessage(credentials.name));
    }
    const token = credentials.token;
    const checked = token === undefined ? undefined : tokens.check(token);
    if (checked === undefined || (!checked.ok && checked.reason === 'invalid')) {
      return challenge(reply, 'invalid_token', 'AUTH_TOKEN_INVALID', 'the bearer token is not valid; log in again');
    }
    if (!checked.ok) {
      return challenge(reply, 'invalid_token', 'AUTH_TOKEN_EXPIRED', expiredTokenMessage(checked.holder));
    }

    const holder = checked.holder;
    requestUsers.set(request, { name: holder.name, role: holder.role });
    // No route matched, so the not-found handler replies 404 whatever the role.
    if (route === undefined) return undefined;
    const required = requiredRole(request.method, route, table);
    if (!roleAllows(holder.role, required)) {
      return sendAuthError(
        reply,
        403,
        'AUTH_FORBIDDEN',
        `role ${holder.role} may not ${request.method} ${route}; it needs role ${required} or higher`,
      );
    }
    return undefined;
  };

  const userOf = (request: FastifyRequest) => requestUsers.get(request);
  const plugin = async (app: FastifyInstance) => {
    app.addHook('onRequest', corsHook(config.cors_origins));
    app.addHook('onRequest', onRequest);
    if (options.audit !== undefined) app.addHook('onResponse', auditHook(options.audit, userOf, now));
    registerLoginRoutes(app, {
      loginPath,
      logoutPath,
      tokens,
      users,
      limiter: loginLimiter,
      ...(options.login_failed !== undefined ? { onFailure: options.login_failed } : {}),
    });
  };
  // Makes fastify apply the hooks to the app that registers the plugin, as fastify-plugin does.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return { onRequest, plugin, userOf, tokens, users, loginLimiter };
}
