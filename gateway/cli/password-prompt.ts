/**
 * Password entry at a terminal: a prompt, no echo of what is typed, and the line editing keys that
 * terminals offer in cooked mode (Backspace, Ctrl-U, Ctrl-C, Ctrl-D).
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Terminal input stream, such as `process.stdin` when it is a TTY (`tty.ReadStream`). */
export interface TerminalInput extends Readable {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode(mode: boolean): unknown;
}

/** Outcome of one password entry: a line ended by Enter, Ctrl-D on an empty line or end of input, or Ctrl-C. */
export type PasswordEntry = { kind: 'line'; text: string } | { kind: 'end' } | { kind: 'interrupt' };

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_H = '\u0008';
const CTRL_U = '\u0015';
const ESCAPE = '\u001b';
const DELETE = '\u007f';

/** Returns true when `input` is a terminal that can be switched to raw mode. */
export function isTerminalInput(input: Readable): input is TerminalInput {
  const candidate = input as Partial<TerminalInput>;
  return candidate.isTTY === true && typeof candidate.setRawMode === 'function';
}

/**
 * Reads one line per prompt from `input` in raw mode, so that the terminal echoes nothing. Each prompt
 * is written to `output` when the line before it is complete, and a line break follows each entry. It
 * stops early at Ctrl-C, or at Ctrl-D on an empty line or the end of input, so the last entry may not be
 * a line. Keys typed ahead carry over to the next line. The terminal's previous mode is restored before
 * this returns or throws, and `input` is paused so that it no longer keeps the process alive.
 */
export async function readPasswordLines(
  input: TerminalInput,
  output: { write(text: string): unknown },
  prompts: readonly string[],
): Promise<PasswordEntry[]> {
  if (prompts.length === 0) return [];
  const wasRaw = input.isRaw === true;
  input.setRawMode(true);
  const entries: PasswordEntry[] = [];
  // True while the cursor is after a prompt whose line is not finished.
  let lineOpen = true;
  try {
    output.write(prompts[0] ?? '');
    await collectEntries(input, prompts.length, (entry) => {
      entries.push(entry);
      output.write('\n');
      const next = prompts[entries.length];
      lineOpen = entry.kind === 'line' && next !== undefined;
      if (lineOpen) output.write(next ?? '');
    });
    return entries;
  } finally {
    input.setRawMode(wasRaw);
    if (lineOpen) output.write('\n');
  }
}

/**
 * Feeds the keys of `input` to a `LineEditor` per line and passes each entry to `onEntry`. Resolves after
 * `count` lines or the first entry that is not a line, and rejects when the input fails.
 */
function collectEntries(input: Readable, count: number, onEntry: (entry: PasswordEntry) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let editor = new LineEditor();
  let lines = 0;
  return new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
    };
    const onData = (chunk: Buffer | string): void => {
      const keys = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const key of keys) {
        const entry = editor.type(key);
        if (entry === undefined) continue;
        onEntry(entry);
        lines += 1;
        if (entry.kind !== 'line' || lines === count) {
          // Keys after the last entry in the same chunk are dropped.
          stop();
          resolve();
          return;
        }
        editor = new LineEditor();
      }
    };
    const onEnd = (): void => {
      stop();
      onEntry({ kind: 'end' });
      resolve();
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}

/** Line being typed in raw mode, where the program and not the terminal handles the editing keys. */
export class LineEditor {
  private readonly characters: string[] = [];
  /** Position inside an escape sequence (arrow and function keys), whose characters are dropped. */
  private escape: 'none' | 'start' | 'sequence' = 'none';

  /**
   * Applies one key (one code point) and returns the entry when it is Enter, Ctrl-C, or Ctrl-D on an
   * empty line. Returns undefined while the line is still open.
   */
  type(key: string): PasswordEntry | undefined {
    if (this.skipEscapeSequence(key)) return undefined;
    if (key === '\r' || key === '\n') return { kind: 'line', text: this.characters.join('') };
    if (key === CTRL_C) return { kind: 'interrupt' };
    if (key === CTRL_D) {
      // Like a terminal in cooked mode, Ctrl-D ends input only on an empty line.
      return this.characters.length === 0 ? { kind: 'end' } : undefined;
    }
    if (key === DELETE || key === CTRL_H) {
      this.characters.pop();
    } else if (key === CTRL_U) {
      this.characters.length = 0;
    } else if (key === ESCAPE) {
      this.escape = 'start';
    } else if (key >= ' ') {
      this.characters.push(key);
    }
    return undefined;
  }

  /**
   * Returns true when `key` belongs to an escape sequence. A CSI or SS3 sequence (ESC [ or ESC O) ends
   * with a character from @ to ~, and ESC followed by any other character (Alt and a key) is two long.
   */
  private skipEscapeSequence(key: string): boolean {
    if (this.escape === 'start') {
      this.escape = key === '[' || key === 'O' ? 'sequence' : 'none';
      return true;
    }
    if (this.escape === 'sequence') {
      if (key >= '@' && key <= '~') this.escape = 'none';
      return true;
    }
    return false;
  }
}
