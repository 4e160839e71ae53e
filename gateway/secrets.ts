import { readFileSync } from 'node:fs';

/** Where a password comes from: an environment variable or a file, never the config text. */
export interface SecretSource {
  password_env?: string | undefined;
  password_file?: string | undefined;
}

/** A secret that is configured but cannot be read. The message names the source, never the value. */
export class SecretError extends Error {
  readonly code = 'CONFIG_SECRET_UNREADABLE';
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/** Reads a configured password; returns undefined when none is configured. */
export function readSecret(
  source: SecretSource,
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return readSecretOption(source, { env: `${key}.password_env`, file: `${key}.password_file` }, env);
}

/**
 * Reads a password like `readSecret`, with errors that name `options.env` or `options.file` (command-line
 * options such as `--password-env`) in place of config keys.
 */
export function readSecretOption(
  source: SecretSource,
  options: { env: string; file: string },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (source.password_env) {
    const value = env[source.password_env];
    if (value === undefined || value === '') {
      throw new SecretError(
        `${options.env}: environment variable ${source.password_env} is not set; export it before starting`,
      );
    }
    return value;
  }
  if (source.password_file) {
    try {
      return readFileSync(source.password_file, 'utf8').split(/\r?\n/)[0] ?? '';
    } catch (error) {
      throw new SecretError(unreadableFileMessage(options.file, source.password_file, error));
    }
  }
  return undefined;
}

/**
 * Names the setting that gives the password, as `readSecret` picks it, with the variable or file it
 * names: `upstream.password_env (CENTRAL_PASSWORD)`. Undefined when no password is configured.
 */
export function passwordSetting(source: SecretSource, key: string): string | undefined {
  if (source.password_env) return `${key}.password_env (${source.password_env})`;
  if (source.password_file) return `${key}.password_file (${source.password_file})`;
  return undefined;
}

/** States why a password file cannot be read and what to change, by the error's `code`. */
function unreadableFileMessage(option: string, file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return `${option}: ${file} does not exist; create it with the password on its first line, or correct ${option}`;
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `${option}: ${file} is not readable (${code}); let the user that runs coldpool read it, or correct ${option}`;
  }
  if (code === 'EISDIR') {
    return `${option}: ${file} is a directory; name the file that holds the password, or create it`;
  }
  return `${option}: cannot read ${file} (${(error as Error).message}); check the path and the file, or correct ${option}`;
}

/** Query parameters that carry a secret, as InfluxDB 1.x takes `?u=user&p=password`. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'p',
  'password',
  'pass',
  'pwd',
  'token',
  'secret',
  'api_key',
  'apikey',
]);

/** Returns the URL with its password masked, for error messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.has(key.toLowerCase())) parsed.searchParams.set(key, '***');
  }
  return parsed.toString();
}

/** True when a URL carries a password, in its user info or in a query parameter of `SECRET_PARAMS`. */
export function urlCarriesSecret(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.password !== '') return true;
  return [...parsed.searchParams.keys()].some((key) => SECRET_PARAMS.has(key.toLowerCase()));
}

/** Returns `redactUrl(text)` for text that parses as a URL, and the text unchanged otherwise. */
export function redactUrlText(text: string): string {
  try {
    return redactUrl(text);
  } catch {
    return text;
  }
}
