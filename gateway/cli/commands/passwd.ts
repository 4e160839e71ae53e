/**
 * `coldpool passwd`: reads a password and prints its salted scrypt hash for `password_hash` in the config
 * or the MQTT users file. At a terminal it prompts twice without echo, and otherwise it reads the first
 * line of standard input. The password never appears on the command line, where other local users could
 * read it from the process list. `--token` prints a new API token alone on standard output, and the SHA-256
 * that `http.auth.tokens` stores on standard error.
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { hashPassword } from '../../security/password-hash.js';
import { SecurityError } from '../../security/security-error.js';
import { generateToken, tokenSha256 } from '../../security/token-store.js';
import { isTerminalInput, readPasswordLines, type TerminalInput } from '../password-prompt.js';

/** Output target of the command: standard output, or a stream a test captures. */
export interface TextOutput {
  write(text: string): unknown;
}

/** Exit status after Ctrl-C at the prompt: 128 plus the number of SIGINT, as shells report it. */
const INTERRUPTED_EXIT_CODE = 130;

/** Reads `input` to its end and returns the first line without its line break. */
async function readFirstLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/**
 * Prompts on `prompt` for the password and then for the same password again, without echo. Returns the
 * password, or undefined after Ctrl-C. Throws a `SecurityError` when no password is given or the two differ.
 */
async function readPasswordTwice(input: TerminalInput, prompt: TextOutput): Promise<string | undefined> {
  const [first, second] = await readPasswordLines(input, prompt, ['Password: ', 'Retype password: ']);
  if (first?.kind === 'interrupt' || second?.kind === 'interrupt') return undefined;
  if (first?.kind !== 'line' || first.text === '') {
    throw new SecurityError('PASSWORD_EMPTY', 'no password was given; type one and press Enter');
  }
  if (second?.kind !== 'line') {
    throw new SecurityError(
      'PASSWORD_EMPTY',
      'no password was given at the second prompt; run coldpool passwd again and type the password twice',
    );
  }
  if (second.text !== first.text) {
    throw new SecurityError('PASSWORD_MISMATCH', 'the two passwords differ; run coldpool passwd again');
  }
  return first.text;
}

/**
 * Adds `passwd` to `program`. The command reads from `input`, writes the hash or the token to `output`,
 * and writes the prompts of a terminal and the token's SHA-256 to `prompt`.
 */
export function registerPasswdCommand(
  program: Command,
  input: Readable = process.stdin,
  output: TextOutput = process.stdout,
  prompt: TextOutput = process.stderr,
): void {
  program
    .command('passwd')
    .description(
      'print the scrypt hash of a password for password_hash; at a terminal it asks twice without echo, ' +
        'otherwise it reads the first line of standard input',
    )
    .option(
      '--token',
      'print a new random HTTP API token on standard output and its token_sha256 on standard error instead; reads no input',
    )
    .action(async (options: { token?: boolean }) => {
      if (options.token === true) {
        // Only the bare token goes to standard output, so `coldpool passwd --token > FILE` writes a file
        // that `coldpool status --token-file FILE` reads. The hash for the config goes to stderr.
        const token = generateToken();
        output.write(`${token}\n`);
        prompt.write(`token_sha256: ${tokenSha256(token)}\n`);
        prompt.write('put token_sha256 in an http.auth.tokens entry; the line on standard output is the token\n');
        return;
      }
      if (isTerminalInput(input)) {
        const password = await readPasswordTwice(input, prompt);
        if (password === undefined) {
          process.exitCode = INTERRUPTED_EXIT_CODE;
          return;
        }
        output.write(`${await hashPassword(password)}\n`);
        return;
      }
      const password = await readFirstLine(input);
      if (password === '') {
        throw new SecurityError('PASSWORD_EMPTY', 'no password on standard input; pipe one in: coldpool passwd < file');
      }
      output.write(`${await hashPassword(password)}\n`);
    });
}
