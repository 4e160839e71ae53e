/** Parsing of the HTTP `Authorization` request header. */

/** An `Authorization` header split into its scheme and credentials (RFC 7235 section 2.1). */
export type AuthorizationCredentials =
  | { scheme: 'bearer'; token: string | undefined }
  | { scheme: 'other'; name: string };

// The scheme is an RFC 7230 token, and a bearer token is a token68 (RFC 6750 section 2.1).
const AUTHORIZATION = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*?))?\s*$/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;
const MAX_SCHEME_CHARS = 32;

/**
 * Parses an `Authorization` header. The scheme name is case-insensitive (RFC 7235 section 2.1), so
 * `bearer` and `BEARER` select the bearer scheme. `token` is undefined when the bearer credentials are
 * missing or not a token68.
 */
export function parseAuthorization(header: string): AuthorizationCredentials {
  const match = AUTHORIZATION.exec(header);
  const scheme = match?.[1];
  if (scheme === undefined) return { scheme: 'other', name: '' };
  if (scheme.toLowerCase() !== 'bearer') return { scheme: 'other', name: scheme.slice(0, MAX_SCHEME_CHARS) };
  const credentials = match?.[2];
  return { scheme: 'bearer', token: credentials !== undefined && TOKEN68.test(credentials) ? credentials : undefined };
}
