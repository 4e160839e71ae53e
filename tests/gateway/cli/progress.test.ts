import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../gateway/cli/progress.js';

function stream(isTTY: boolean): { output: () => string; target: NodeJS.WriteStream } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  Object.assign(sink, { isTTY });
  return { output: () => text, target: sink as unknown as NodeJS.WriteStream };
}

describe('progress bar', () => {
  it('draws steps on a terminal', async () => {
    const { output, target } = stream(true);
    const progress = createProgress(4, 'solomon', target);
    progress.tick('C101');
    progress.tick('C102');
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toContain('2/4 C102');
    expect(output()).toContain('[###############...............]');
  });

  it('stays silent on a pipe', async () => {
    const { output, target } = stream(false);
    const progress = createProgress(4, 'solomon', target);
    progress.tick('C101');
    progress.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toBe('');
  });
});
