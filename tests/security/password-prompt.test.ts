import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  LineEditor,
  type PasswordEntry,
  readPasswordLines,
  type TerminalInput,
} from '../../gateway/cli/password-prompt.js';

/** Creates a stand-in for a TTY input stream that records each `setRawMode` call. */
function fakeTerminal(): { input: PassThrough & TerminalInput; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      rawModes.push(mode);
      input.isRaw = mode;
      return input;
    },
  });
  return { input, rawModes };
}

function typeKeys(keys: string): PasswordEntry | undefined {
  const editor = new LineEditor();
  for (const key of keys) {
    const entry = editor.type(key);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

describe('LineEditor', () => {
  it.each([
    ['plain line', 'cold-room-7\r', { kind: 'line', text: 'cold-room-7' }],
    ['line feed ends a line', 'cold\n', { kind: 'line', text: 'cold' }],
    ['backspace (DEL)', 'colx\u007fd\r', { kind: 'line', text: 'cold' }],
    ['backspace (Ctrl-H)', 'colx\bd\r', { kind: 'line', text: 'cold' }],
    ['backspace on empty line', '\u007f\u007fok\r', { kind: 'line', text: 'ok' }],
    ['Ctrl-U clears the line', 'wrong\u0015right\r', { kind: 'line', text: 'right' }],
    ['arrow keys are dropped', 'a\u001b[Db\u001bOC\r', { kind: 'line', text: 'ab' }],
    ['modified arrow key is dropped', 'a\u001b[1;5Cb\r', { kind: 'line', text: 'ab' }],
    ['other control keys are dropped', 'a\tb\u0007\r', { kind: 'line', text: 'ab' }],
    ['multi-byte characters', 'kühl-🧊\u007f\r', { kind: 'line', text: 'kühl-' }],
    ['empty line', '\r', { kind: 'line', text: '' }],
    ['Ctrl-C', 'abc\u0003', { kind: 'interrupt' }],
    ['Ctrl-D on empty line', '\u0004', { kind: 'end' }],
    ['Ctrl-D inside a line is ignored', 'ab\u0004c\r', { kind: 'line', text: 'abc' }],
  ])('%s', (_name, keys, expected) => {
    expect(typeKeys(keys)).toEqual(expected);
  });

  it('keeps a line open without Enter', () => {
    expect(typeKeys('abc')).toBeUndefined();
  });
});

describe('readPasswordLines', () => {
  it('reads two lines with prompts', async () => {
    const { input, rawModes } = fakeTerminal();
    let written = '';
    const reading = readPasswordLines(input, { write: (text: string) => (written += text) }, ['One: ', 'Two: ']);
    input.write('first\r');
    input.write(Buffer.from('second\r'));
    expect(await reading).toEqual([
      { kind: 'line', text: 'first' },
      { kind: 'line', text: 'second' },
    ]);
    expect(written).toBe('One: \nTwo: \n');
    expect(rawModes).toEqual([true, false]);
  });

  it('carries typed-ahead keys over', async () => {
    const { input } = fakeTerminal();
    const reading = readPasswordLines(input, { write: () => undefined }, ['One: ', 'Two: ']);
    input.write('first\rsecond\rignored\r');
    expect(await reading).toEqual([
      { kind: 'line', text: 'first' },
      { kind: 'line', text: 'second' },
    ]);
  });

  it('joins a character split across chunks', async () => {
    const { input } = fakeTerminal();
    const reading = readPasswordLines(input, { write: () => undefined }, ['One: ']);
    const bytes = Buffer.from('ü\r');
    input.write(bytes.subarray(0, 1));
    input.write(bytes.subarray(1));
    expect(await reading).toEqual([{ kind: 'line', text: 'ü' }]);
  });

  it('stops at Ctrl-C', async () => {
    const { input, rawModes } = fakeTerminal();
    let written = '';
    const reading = readPasswordLines(input, { write: (text: string) => (written += text) }, ['One: ', 'Two: ']);
    input.write('abc\u0003');
    expect(await reading).toEqual([{ kind: 'interrupt' }]);
    expect(written).toBe('One: \n');
    expect(rawModes).toEqual([true, false]);
    expect(input.isPaused()).toBe(true);
  });

  it('stops at Ctrl-D on second line', async () => {
    const { input, rawModes } = fakeTerminal();
    const reading = readPasswordLines(input, { write: () => undefined }, ['One: ', 'Two: ']);
    input.write('first\r\u0004');
    expect(await reading).toEqual([{ kind: 'line', text: 'first' }, { kind: 'end' }]);
    expect(rawModes).toEqual([true, false]);
  });

  it('stops at end of input', async () => {
    const { input, rawModes } = fakeTerminal();
    let written = '';
    const reading = readPasswordLines(input, { write: (text: string) => (written += text) }, ['One: ']);
    input.end('partial');
    expect(await reading).toEqual([{ kind: 'end' }]);
    expect(written).toBe('One: \n');
    expect(rawModes).toEqual([true, false]);
  });

  it('restores raw mode on input error', async () => {
    const { input, rawModes } = fakeTerminal();
    input.setRawMode(true);
    rawModes.length = 0;
    let written = '';
    const reading = readPasswordLines(input, { write: (text: string) => (written += text) }, ['One: ']);
    input.destroy(new Error('read EIO'));
    await expect(reading).rejects.toThrow('read EIO');
    // The terminal was in raw mode before, so it is left in raw mode.
    expect(rawModes).toEqual([true, true]);
    expect(written).toBe('One: \n');
  });
});
