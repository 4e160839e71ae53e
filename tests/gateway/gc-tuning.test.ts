import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAUNCH_NODE_FLAGS, tuneGarbageCollection } from '../../gateway/gc-tuning.js';

const root = new URL('../../', import.meta.url);

function text(path: string): string {
  return readFileSync(new URL(path, root), 'utf8');
}

describe('gc tuning', () => {
  it('sets both run-time flags by default', () => {
    expect(tuneGarbageCollection([], undefined)).toEqual([
      '--no-allocation-site-pretenuring',
      '--heap-growing-percent=20',
    ]);
  });

  it('keeps a pretenuring flag given at start', () => {
    expect(tuneGarbageCollection(['--allocation-site-pretenuring'], undefined)).toEqual(['--heap-growing-percent=20']);
    expect(tuneGarbageCollection([], '--max-old-space-size=256 --no-allocation-site-pretenuring')).toEqual([
      '--heap-growing-percent=20',
    ]);
  });

  it('keeps a growing percent given at start', () => {
    expect(tuneGarbageCollection(['--heap-growing-percent=50'], undefined)).toEqual([
      '--no-allocation-site-pretenuring',
    ]);
  });
});

describe('launch flags', () => {
  const flags = LAUNCH_NODE_FLAGS.join(' ');

  it('are on the first line of main.ts', () => {
    expect(text('gateway/cli/main.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
  });

  it('are passed by ./coldpool', () => {
    expect(text('coldpool')).toContain(`exec node ${flags} "$main" "$@"`);
  });

  it('are passed by npm start', () => {
    const scripts = (JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(`exec node ${flags} dist/gateway/cli/main.js demo`);
  });
});
