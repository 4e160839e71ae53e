/** Zod schema of a host setting: an IP address or a host name, checked before anything connects or listens. */
import { isIP } from 'node:net';
import { z } from 'zod';

/** Maximum length of a host name in text form: the 255 octets of a DNS name less its length and root bytes. */
const MAX_HOST_NAME_LENGTH = 253;

/** One label of a host name: letters, digits and hyphens, 1 to 63 characters, no hyphen at either end. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Returns true for an IPv4 or IPv6 address, or a host name of RFC 1123 with an optional final dot. */
export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > MAX_HOST_NAME_LENGTH) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

export const HOST_MESSAGE =
  'must be an IP address such as 192.168.1.20 or a host name such as plc-1.local (letters, digits, hyphens and dots), without scheme, port or spaces';

/** A host setting: an IPv4 or IPv6 address without brackets, or an RFC 1123 host name. */
export const hostSchema = z.string().min(1).refine(isValidHost, HOST_MESSAGE);
