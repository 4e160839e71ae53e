/**
 * `coldpool passwd`: reads a password from standard input and prints its salted scrypt hash for
 * `password_hash` in the config or the MQTT users file. The password never appears on the command line,
 * where other local users could read it from the process list.
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { hashPassword } from '../../security/password-hash.js';
import { SecurityError } from '../../security/security-error.js';

/** Output target of the command: standard output, or a stream a test captures. */
export interface TextOutput {
  write(text: string): unknown;
}

/** Reads `input` to its end and returns the first line without its line break. */
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
    .action(async () => {
      const password = await readFirstLine(input);
      if (password === '') {
        throw new SecurityError('PASSWORD_EMPTY', 'no password on standard input; pipe one in: coldpool passwd < file');
      }
      output.write(`${await hashPassword(password)}\n`);
    });
}
