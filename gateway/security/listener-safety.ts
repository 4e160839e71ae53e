/**
 * Safe defaults for listeners: loopback unless configured, and no listener on any other address
 * without authentication.
 */
import { isIP } from 'node:net';
import type { HttpAuthConfig } from './security-config.js';
import { SecurityError } from './security-error.js';

/** Address every listener binds when none is configured. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** Port of the HTTP API and the dashboard when none is configured. */
export const DEFAULT_HTTP_PORT = 8080;

/** The `http` settings that `disabledHttpWarning` reads. */
export interface HttpListenerSettings {
  enabled: boolean;
  host: string;
  port: number;
  auth?: unknown;
}

/**
 * Returns a warning when `http` sets up a listener (host, port or auth) while `http.enabled` is false, so
 * that nothing listens; undefined otherwise.
 */
export function disabledHttpWarning(http: HttpListenerSettings): string | undefined {
  if (http.enabled) return undefined;
  const configuredKeys: string[] = [];
  if (http.host !== DEFAULT_LISTEN_HOST) configuredKeys.push('http.host');
  if (http.port !== DEFAULT_HTTP_PORT) configuredKeys.push('http.port');
  if (http.auth !== undefined) configuredKeys.push('http.auth');
  if (configuredKeys.length === 0) return undefined;
  return `${configuredKeys.join(', ')} ${configuredKeys.length === 1 ? 'is' : 'are'} set but http.enabled is false, so the HTTP API and the dashboard are off; set http.enabled: true to serve them`;
}

/** Returns true for `localhost` and the IPv4 127.0.0.0/8 and IPv6 ::1 loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** A listener about to start, the input of `checkListenerSafety`. */
export interface ListenerPlan {
  /** Name used in the message, such as `http` or `mqtt`. */
  name: string;
  /** Address to bind. */
  host: string;
  /** True when every request or connection must authenticate. */
  auth_configured: boolean;
  /** Config key that sets the credentials, named in the message, such as `http.auth.users`. */
  auth_key: string;
  /** Config key of the address, named in the message, such as `http.host`. */
  host_key: string;
}

/**
 * Throws `SecurityError` with code `LISTENER_AUTH_REQUIRED` when `plan` binds a non-loopback address
 * without authentication. Call it before `listen`.
 */
export function checkListenerSafety(plan: ListenerPlan): void {
  if (isLoopbackHost(plan.host) || plan.auth_configured) return;
  throw new SecurityError(
    'LISTENER_AUTH_REQUIRED',
    `the ${plan.name} listener may bind ${plan.host} only with authentication: set ${plan.auth_key} ` +
      `(hash passwords with \`coldpool passwd\`), or set ${plan.host_key} to ${DEFAULT_LISTEN_HOST}`,
  );
}

/**
 * Checks the HTTP API listener: a non-loopback `host` needs at least one user or token in `http.auth`.
 * Throws `SecurityError` `LISTENER_AUTH_REQUIRED` otherwise.
 */
export function checkHttpListenerSafety(host: string, auth: HttpAuthConfig | undefined): void {
  const credentials = (auth?.users.length ?? 0) + (auth?.tokens.length ?? 0);
  checkListenerSafety({
    name: 'http',
    host,
    auth_configured: credentials > 0,
    auth_key: 'http.auth.users or http.auth.tokens',
    host_key: 'http.host',
  });
}

/**
 * Checks a listener of the embedded MQTT broker (`mqtt`, or `mqtt tls` for its TLS listener): a
 * non-loopback `host` needs authentication. Throws `SecurityError` `LISTENER_AUTH_REQUIRED` otherwise.
 */
export function checkBrokerListenerSafety(name: 'mqtt' | 'mqtt tls', host: string, auth_configured: boolean): void {
  checkListenerSafety({
    name,
    host,
    auth_configured,
    auth_key: 'mqtt.broker.auth.users with allow_anonymous: false',
    host_key: name === 'mqtt' ? 'mqtt.broker.host' : 'mqtt.broker.tls.host',
  });
}
