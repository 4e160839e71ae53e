import { OutputConfigError } from './output-errors.js';

/** Server, database and credentials the InfluxDB output writes to. */
export interface InfluxTarget {
  /** `http:` or `https:`. */
  protocol: 'http:' | 'https:';
  host: string;
  port: number;
  /** Path prefix before /write and /query when InfluxDB sits behind a reverse proxy; empty otherwise. */
  base_path: string;
  database: string;
  username?: string;
  password?: string;
  /** The URL without credentials, safe for errors and logs. */
  display_url: string;
}

/**
 * Returns the URL's port. WHATWG URL drops a port equal to the scheme's default (80 for http:), so an
 * explicit `:80` is read from the text, and a URL without a port gets InfluxDB's default 8086.
 */
function portOf(url: string, parsed: URL): number {
  if (parsed.port !== '') return Number(parsed.port);
  const explicit = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):(\d+)/i.exec(url);
  if (explicit?.[1] !== undefined) return Number(explicit[1]);
  return 8086;
}

/** Returns the server's base URL (scheme, host, port and proxy path), with an IPv6 host in brackets. */
export function serverUrl(target: InfluxTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.protocol}//${host}:${target.port}${target.base_path}`;
}

/**
 * Parses `http(s)://[user:password@]host[:port][/prefix]/database`. The last path segment is the
 * database. Credentials given as options take precedence over those in the URL.
 */
export function parseInfluxUrl(url: string, username?: string, password?: string): InfluxTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutputConfigError('INFLUX_URL_INVALID', 'InfluxDB url is not a valid URL; use http://host:8086/database');
  }

  const urlUsername = decodeURIComponent(parsed.username);
  const urlPassword = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const display_url = parsed.toString();

  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OutputConfigError(
      'INFLUX_URL_INVALID',
      `InfluxDB url ${display_url} uses ${parsed.protocol}; use http: or https:`,
    );
  }

  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  const database = decodeURIComponent(segments.pop() ?? '');
  if (database === '') {
    throw new OutputConfigError(
      'INFLUX_URL_INVALID',
      `InfluxDB url ${display_url} names no database; append it as the path, as in http://host:8086/coldpool`,
    );
  }

  return {
    protocol: parsed.protocol,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: portOf(url, parsed),
    base_path: segments.length === 0 ? '' : `/${segments.join('/')}`,
    database,
    username: username ?? (urlUsername === '' ? undefined : urlUsername),
    password: password ?? (urlPassword === '' ? undefined : urlPassword),
    display_url,
  };
}
