import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApiToken, TOKEN_ENV } from '../../../gateway/cli/commands/api-token.js';
import { generateToken } from '../../../gateway/security/token-store.js';

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-api-token-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function tokenFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('readApiToken', () => {
  it('reads a bare token', () => {
    const token = generateToken();
    expect(readApiToken(tokenFile('bare.txt', `${token}\n`), {})).toBe(token);
  });

  it('rejects a labelled token', () => {
    const path = tokenFile('labelled.txt', `token: ${generateToken()}\ntoken_sha256: 00\n`);
    expect(() => readApiToken(path, {})).toThrow(
      `--token-file ${path}: its first line is not a bare API token (it starts with the label "token: "); ` +
        'the first line must contain only the token, such as cpt_…, as `coldpool passwd --token > FILE` writes it',
    );
  });

  it('rejects a line with spaces', () => {
    const path = tokenFile('spaced.txt', 'Bearer cpt_abc\n');
    expect(() => readApiToken(path, {})).toThrow(`--token-file ${path}: its first line is not a bare API token;`);
  });

  it('rejects a labelled environment token', () => {
    expect(() => readApiToken(undefined, { [TOKEN_ENV]: 'token: cpt_abc' })).toThrow(
      `${TOKEN_ENV} is not a bare API token`,
    );
  });

  it('reads the environment token', () => {
    expect(readApiToken(undefined, { [TOKEN_ENV]: ' cpt_abc \n' })).toBe('cpt_abc');
    expect(readApiToken(undefined, {})).toBeUndefined();
  });
});
