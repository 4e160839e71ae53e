/**
 * CORS for the HTTP API, closed by default: a browser page from an origin not in `cors_origins` gets no
 * `Access-Control-Allow-Origin`, its preflight is rejected, and its state-changing requests are rejected
 * before any handler runs (Fetch standard, CORS protocol).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSafeMethod } from './http-roles.js';

/** Headers a browser may send on an allowed cross-origin request. */
const ALLOWED_HEADERS = 'authorization, content-type';
/** Seconds a browser may cache a preflight response. */
const PREFLIGHT_MAX_AGE_S = 600;

/** Sends the API error envelope `{ error: { code, message } }` with `status`. */
export function sendAuthError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}

/** Builds the onRequest hook that applies the CORS allow-list `origins` (exact origins such as `https://host:8443`). */
export function corsHook(origins: readonly string[]) {
  const allowed = new Set(origins);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    // The gateway's own pages (the dashboard) send their origin with writes too. A page served under the
    // same scheme and host is not cross-origin, and it still needs a bearer token for every route.
    if (origin === `${request.protocol}://${request.headers.host ?? ''}`) return undefined;
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (!allowed.has(origin)) {
      if (preflight || !isSafeMethod(request.method)) {
        return sendAuthError(
          reply,
          403,
          'CORS_ORIGIN_REJECTED',
          `origin ${origin.slice(0, 100)} is not allowed; add it to http.auth.cors_origins to call the API from that page`,
        );
      }
      return undefined;
    }
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (!preflight) return undefined;
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
      .send();
  };
}
