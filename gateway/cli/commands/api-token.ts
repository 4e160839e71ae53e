/** The API token of `coldpool status`, from `--token-file` or the environment. */
import { readFileSync } from 'node:fs';

/** Environment variable that carries the API token for `coldpool status`, so it never shows in a process list. */
export const TOKEN_ENV = 'COLDPOOL_API_TOKEN';

/**
 * A bearer token as `Authorization: Bearer` carries it: the token68 characters of RFC 7235 section 2.1,
 * which rules out spaces and the `token: ` label of older `coldpool passwd --token` output.
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Fix for a token file in the wrong form: how to write one that works. */
const TOKEN_FILE_FORMAT =
  'the first line must contain only the token, such as cpt_…, as `coldpool passwd --token > FILE` writes it';

/** Returns the first line of `--token-file`, trimmed. Throws naming the file when it is unreadable or not a bare token. */
function readTokenFile(tokenFile: string): string {
  let token: string | undefined;
  try {
    token = readFileSync(tokenFile, 'utf8').split(/\r?\n/)[0]?.trim();
  } catch (error) {
    throw new Error(`--token-file ${tokenFile}: cannot read it (${(error as Error).message}); give a readable file`);
  }
  if (!token) throw new Error(`--token-file ${tokenFile}: its first line is empty; write the API token on it`);
  if (!BEARER_TOKEN.test(token)) {
    const label = /^token:\s/.test(token) ? ' (it starts with the label "token: ")' : '';
    throw new Error(`--token-file ${tokenFile}: its first line is not a bare API token${label}; ${TOKEN_FILE_FORMAT}`);
  }
  return token;
}

/** Returns the API token from `--token-file` (its first line) or the environment, if either gives one. */
export function readApiToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (tokenFile !== undefined) return readTokenFile(tokenFile);
  const token = env[TOKEN_ENV]?.trim();
  if (token === undefined || token === '') return undefined;
  if (!BEARER_TOKEN.test(token)) {
    throw new Error(`${TOKEN_ENV} is not a bare API token; set it to the token alone, such as cpt_…`);
  }
  return token;
}
