/**
 * `coldpool passwd` at a real pseudo-terminal. util-linux `script` runs the command on a new pty and
 * copies the test's keystrokes to it, so the command gets a TTY as standard input. After the command,
 * the shell prints its exit status and `stty -a`, which shows that the terminal is usable again. Node
 * also resets the terminal mode when it exits, so password-prompt.test.ts checks that the prompt itself
 * restores it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../gateway/security/password-hash.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
    }
  }
});

const PROMPTS = ['Password: ', 'Retype password: '];

/**
 * Runs `coldpool passwd` under `script` and types `answers[i]` once prompt `i` is shown, so that no key
 * arrives before the command has turned echo off. Resolves with everything the terminal showed.
 */
async function runPasswd(answers: readonly string[]): Promise<string> {
  const command = `"${process.execPath}" --import tsx gateway/cli/main.ts passwd; echo "exit=$?"; stty -a`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: root,
    env: { ...process.env, SHELL: '/bin/sh' },
  });
  children.push(child);
  let transcript = '';
  child.stdout.on('data', (chunk: Buffer) => {
    transcript += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  for (const [index, keys] of answers.entries()) {
    const prompt = PROMPTS[index] ?? '';
    const deadline = Date.now() + 20_000;
    while (!transcript.includes(prompt)) {
      if (Date.now() > deadline) {
        throw new Error(
          `terminal did not show ${JSON.stringify(prompt)} within 20 s; it showed ${JSON.stringify(transcript)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.stdin.write(keys);
  }
  await exited;
  return transcript;
}

function exitStatus(transcript: string): number | undefined {
  const match = /exit=(\d+)/.exec(transcript);
  return match === null ? undefined : Number(match[1]);
}

/** Returns true when `stty -a` lists `flag` as set (without a leading minus). */
function terminalFlagSet(transcript: string, flag: string): boolean {
  return new RegExp(`(^|\\s)${flag}(\\s|$)`).test(transcript);
}

describe('passwd at a terminal', () => {
  it('prints a hash of the retyped password', async () => {
    const transcript = await runPasswd(['cold-roox\u007fm-7\r', 'cold-room-7\r']);
    expect(exitStatus(transcript)).toBe(0);
    const hash = /\$scrypt\$\S+/.exec(transcript)?.[0] ?? '';
    expect(await verifyPassword('cold-room-7', hash)).toBe(true);
    expect(transcript).not.toContain('cold-roo');
    expect(terminalFlagSet(transcript, 'echo')).toBe(true);
    expect(terminalFlagSet(transcript, 'icanon')).toBe(true);
  });

  it('rejects passwords that differ', async () => {
    const transcript = await runPasswd(['cold-room-7\r', 'cold-room-8\r']);
    expect(exitStatus(transcript)).toBe(1);
    expect(transcript).toContain('coldpool: the two passwords differ; run coldpool passwd again');
    expect(transcript).not.toContain('$scrypt$');
    expect(terminalFlagSet(transcript, 'echo')).toBe(true);
  });

  it('exits 130 on Ctrl-C', async () => {
    const transcript = await runPasswd(['cold\u0003']);
    expect(exitStatus(transcript)).toBe(130);
    expect(transcript).toContain('Password: \r\n');
    expect(transcript).not.toContain('Retype password: ');
    expect(terminalFlagSet(transcript, 'echo')).toBe(true);
    expect(terminalFlagSet(transcript, 'icanon')).toBe(true);
    expect(terminalFlagSet(transcript, 'isig')).toBe(true);
  });

  it('rejects Ctrl-D on empty line', async () => {
    const transcript = await runPasswd(['\u0004']);
    expect(exitStatus(transcript)).toBe(1);
    expect(transcript).toContain('coldpool: no password was given');
    expect(terminalFlagSet(transcript, 'echo')).toBe(true);
  });
});
