/**
 * The config rule that no two listeners of the gateway take the same port on overlapping addresses,
 * which `coldpool run` would only find at start, as EADDRINUSE.
 */
import { isIP } from 'node:net';
import type { z } from 'zod';

/** The parts of the gateway config whose settings open listeners. */
export interface ListenerPortInput {
  mqtt: {
    url?: string | undefined;
    broker: { enabled: boolean; host: string; port: number; tls?: { host: string; port: number } | undefined };
  };
  http: { enabled: boolean; host: string; port: number };
}

/** One TCP listener that the config opens. */
interface Listener {
  /** Name of the listener in messages, such as `the HTTP API`. */
  name: string;
  /** Config key of the port, such as `mqtt.broker.port`. */
  setting: string;
  path: string[];
  host: string;
  port: number;
}

/** Returns the listeners that `coldpool run` opens with this config, in start order. */
function configuredListeners(config: ListenerPortInput): Listener[] {
  const listeners: Listener[] = [];
  const { broker } = config.mqtt;
  if (config.mqtt.url === undefined && broker.enabled) {
    listeners.push({
      name: 'the MQTT broker',
      setting: 'mqtt.broker.port',
      path: ['mqtt', 'broker', 'port'],
      host: broker.host,
      port: broker.port,
    });
    if (broker.tls !== undefined) {
      listeners.push({
        name: 'the MQTT TLS listener',
        setting: 'mqtt.broker.tls.port',
        path: ['mqtt', 'broker', 'tls', 'port'],
        host: broker.tls.host,
        port: broker.tls.port,
      });
    }
  }
  // The HTTP listener also serves /metrics and the dashboard, so it is one listener.
  if (config.http.enabled) {
    const { host, port } = config.http;
    listeners.push({ name: 'the HTTP API', setting: 'http.port', path: ['http', 'port'], host, port });
  }
  return listeners;
}

/**
 * Returns true when `host` may bind an IPv4 address: an IPv4 address, `localhost` or another host name,
 * which the config check does not resolve.
 */
function mayBeIpv4(host: string): boolean {
  return isIP(host) !== 6;
}

/** Returns true for the loopback addresses that `localhost` resolves to. */
function isLoopbackAddress(host: string): boolean {
  return host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Returns true when listening on both hosts with one port fails with EADDRINUSE: the same host, `::`
 * (Node.js listens on both families there) beside any other, `0.0.0.0` beside an IPv4 host, or
 * `localhost` beside a loopback address. Other host names are compared as text, because the config check
 * does not resolve them.
 */
function addressesOverlap(left: string, right: string): boolean {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  if (a === b || a === '::' || b === '::') return true;
  if (a === '0.0.0.0') return mayBeIpv4(b);
  if (b === '0.0.0.0') return mayBeIpv4(a);
  if (a === 'localhost') return isLoopbackAddress(b);
  if (b === 'localhost') return isLoopbackAddress(a);
  return false;
}

/**
 * Adds an issue for each listener whose port an earlier listener takes on an overlapping address. Port 0
 * picks a free port, so it never clashes.
 */
export function checkListenerPorts(config: ListenerPortInput, ctx: z.RefinementCtx): void {
  const listeners = configuredListeners(config);
  for (const [index, listener] of listeners.entries()) {
    if (listener.port === 0) continue;
    const earlier = listeners
      .slice(0, index)
      .find((other) => other.port === listener.port && addressesOverlap(other.host, listener.host));
    if (earlier === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: listener.path,
      message: `is the port of ${earlier.setting} on ${earlier.host}, so ${listener.name} cannot listen beside ${earlier.name} (EADDRINUSE at start); give ${listener.setting} or ${earlier.setting} another port`,
      input: listener.port,
    });
  }
}
