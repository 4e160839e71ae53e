/**
 * Host header check of the HTTP API, against DNS rebinding. A web page on another site can make the
 * operator's browser resolve the page's own host name to 127.0.0.1. The page's later requests then reach
 * the gateway as same-origin requests, so the browser's same-origin policy no longer shields an API that
 * listens on loopback. Such a request still carries the page's host name in its Host header. The API
 * therefore serves only requests addressed to an IP address, to `localhost`, or to a name listed in
 * `http.allowed_hosts`.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** Entry of `http.allowed_hosts` that turns the check off. */
export const ANY_HOST = '*';

/** Returns the host name of a Host header value: lower case, without the port, IPv6 brackets or a final dot. */
export function hostName(header: string): string {
  let name = header.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    name = end === -1 ? name : name.slice(1, end);
  } else if (name.indexOf(':') === name.lastIndexOf(':')) {
    // One colon separates the port. More than one is a bare IPv6 address, kept whole.
    const colon = name.indexOf(':');
    if (colon !== -1) name = name.slice(0, colon);
  }
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * Returns true when a request with Host header `header` may proceed. A request without a Host header
 * passes, because a browser always sends one.
 */
export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (header === undefined || header === '' || allowed.has(ANY_HOST)) return true;
  const name = hostName(header);
  return isIP(name) !== 0 || name === 'localhost' || allowed.has(name);
}

/** A request rejected for its Host header: the host name and the client's address. */
export interface HostRejection {
  host: string;
  ip: string;
}

/**
 * Builds the onRequest hook that rejects requests addressed to a host name not in `allowed_hosts`.
 * `onRejected` runs for each rejected request, so that the gateway can log it.
 */
export function hostCheckHook(allowed_hosts: readonly string[], onRejected?: (rejection: HostRejection) => void) {
  const allowed = new Set(allowed_hosts.map((host) => hostName(host)));
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.host;
    if (hostAllowed(header, allowed)) return;
    const host = hostName(header ?? '').slice(0, 100);
    onRejected?.({ host, ip: request.ip });
    throw new ApiError(
      'API_HOST_NOT_ALLOWED',
      `host ${JSON.stringify(host)} is not allowed; open the gateway by IP address or localhost, or add this name ` +
        'to http.allowed_hosts',
    );
  };
}
