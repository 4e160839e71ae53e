/**
 * `coldpool passwd`: reads a password from standard input and prints its salted scrypt hash for
 * `password_hash` in the config or the MQTT users file. The password never appears on the command line,
 * where other local users could read it from the process list. `--token` prints a new API token and
 * the SHA-256 that `http.auth.tokens` stores.
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { hashPassword } from '../../security/password-hash.js';
import { SecurityError } from '../../security/security-error.js';
import { generateToken, tokenSha256 } from '../../security/token-store.js';

/** Output target of the command: standard output, or a stream a test captures. */
export interface TextOutput {
  write(text: string): unknown;
}

/**
 * Reads `input` to its end and returns the first line without its line break.
 * NOTE: on a terminal the password is echoed while typed and input ends with Ctrl-D, so pipe it in.
 */
async function readFirstLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Adds `passwd` to `program`. The command reads from `input` and writes the hash to `output`. */
export function registerPasswdCommand(
  program: Command,
  input: Readable = process.stdin,
  output: TextOutput = process.stdout,
): void {
  program
    .command('passwd')
    .description('read a password from standard input and print its scrypt hash for password_hash')
    .option('--token', 'print a new random HTTP API token and its token_sha256 instead; reads no input')
    .action(async (options: { token?: boolean }) => {
      if (options.token === true) {
        const token = generateToken();
        output.write(`token: ${token}\ntoken_sha256: ${tokenSha256(token)}\n`);
        return;
      }
      const password = await readFirstLine(input);
      if (password === '') {
        throw new SecurityError('PASSWORD_EMPTY', 'no password on standard input; pipe one in: coldpool passwd < file');
      }
      output.write(`${await hashPassword(password)}\n`);
    });
}
