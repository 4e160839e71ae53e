import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerPasswdCommand } from '../../gateway/cli/commands/passwd.js';
import { verifyPassword } from '../../gateway/security/password-hash.js';
import { tokenSha256 } from '../../gateway/security/token-store.js';

async function run(stdin: string, args: string[] = []): Promise<string> {
  let printed = '';
  const program = new Command().exitOverride();
  registerPasswdCommand(program, Readable.from([Buffer.from(stdin)]), { write: (text: string) => (printed += text) });
  await program.parseAsync(['node', 'coldpool', 'passwd', ...args]);
  return printed;
}

describe('passwd command', () => {
  it('prints a hash of the first line', async () => {
    const printed = await run('cold-room-7\nignored\n');
    expect(await verifyPassword('cold-room-7', printed.trim())).toBe(true);
  });

  it('does not print the password', async () => {
    expect(await run('cold-room-7\n')).not.toContain('cold-room-7');
  });

  it('strips a windows line break', async () => {
    const printed = await run('cold-room-7\r\n');
    expect(await verifyPassword('cold-room-7', printed.trim())).toBe(true);
  });

  it('rejects empty input', async () => {
    await expect(run('')).rejects.toMatchObject({ code: 'PASSWORD_EMPTY' });
  });

  it('prints a bare token and its hash apart', async () => {
    let printed = '';
    let explained = '';
    const program = new Command().exitOverride();
    registerPasswdCommand(
      program,
      Readable.from([]),
      { write: (text: string) => (printed += text) },
      { write: (text: string) => (explained += text) },
    );
    await program.parseAsync(['node', 'coldpool', 'passwd', '--token']);
    expect(printed).toMatch(/^cpt_[A-Za-z0-9_-]{43}\n$/);
    expect(explained).toContain(`token_sha256: ${tokenSha256(printed.trim())}\n`);
  });

  it('prompts twice at a terminal', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => terminal });
    let printed = '';
    let prompts = '';
    const program = new Command().exitOverride();
    registerPasswdCommand(
      program,
      terminal,
      { write: (text: string) => (printed += text) },
      { write: (text: string) => (prompts += text) },
    );
    terminal.write('cold-room-7\rcold-room-7\r');
    await program.parseAsync(['node', 'coldpool', 'passwd']);
    expect(prompts).toBe('Password: \nRetype password: \n');
    expect(await verifyPassword('cold-room-7', printed.trim())).toBe(true);
  });
});
