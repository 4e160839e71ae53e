import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAUNCH_NODE_FLAGS, launcherOverrideWarning, tuneGarbageCollection } from '../../gateway/gc-tuning.js';

const root = new URL('../../', import.meta.url);

function text(path: string): string {
  return readFileSync(new URL(path, root), 'utf8');
}

describe('gc tuning', () => {
  it('sets both run-time flags by default', () => {
    expect(tuneGarbageCollection([])).toEqual(['--no-allocation-site-pretenuring', '--heap-growing-percent=20']);
  });

  it('keeps a pretenuring flag given at start', () => {
    expect(tuneGarbageCollection(['--allocation-site-pretenuring'])).toEqual(['--heap-growing-percent=20']);
    expect(tuneGarbageCollection(['--no-allocation-site-pretenuring'])).toEqual(['--heap-growing-percent=20']);
  });

  it('keeps a growing percent given at start', () => {
    expect(tuneGarbageCollection(['--heap-growing-percent=50'])).toEqual(['--no-allocation-site-pretenuring']);
  });

  it('reads flags written with underscores', () => {
    expect(tuneGarbageCollection(['--heap_growing_percent=50'])).toEqual(['--no-allocation-site-pretenuring']);
    expect(tuneGarbageCollection(['--no_allocation_site_pretenuring'])).toEqual(['--heap-growing-percent=20']);
  });
});

describe('launcher override warning', () => {
  it('names both values when the command line wins', () => {
    const warning = launcherOverrideWarning(['--max-semi-space-size=4'], '--max-semi-space-size=16');
    expect(warning).toContain('NODE_OPTIONS sets --max-semi-space-size=16');
    expect(warning).toContain("node's command line sets --max-semi-space-size=4");
    expect(warning).toContain('./coldpool');
  });

  it('reads underscores in NODE_OPTIONS', () => {
    expect(launcherOverrideWarning(['--max-semi-space-size=4'], '--max_semi_space_size=16')).toContain(
      '--max_semi_space_size=16',
    );
  });

  it('stays quiet without a conflict', () => {
    expect(launcherOverrideWarning(['--max-semi-space-size=4'], undefined)).toBeUndefined();
    expect(launcherOverrideWarning([], '--max-semi-space-size=16')).toBeUndefined();
    expect(launcherOverrideWarning(['--max-semi-space-size=4'], '--max-old-space-size=128')).toBeUndefined();
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

  it('skip a semi-space size in NODE_OPTIONS', () => {
    const others = LAUNCH_NODE_FLAGS.filter((flag) => !flag.startsWith('--max-semi-space-size'));
    expect(text('coldpool')).toContain(`*--max_semi_space_size*) exec node ${others.join(' ')} "$main" "$@" ;;`);
  });

  it('reject single-threaded-gc in NODE_OPTIONS', () => {
    for (const flag of ['--single-threaded-gc', '--no_single_threaded_gc']) {
      const run = spawnSync('sh', [fileURLToPath(new URL('coldpool', root)), '--version'], {
        env: { ...process.env, NODE_OPTIONS: flag },
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('remove it from NODE_OPTIONS');
      expect(run.stdout).toBe('');
    }
  });

  it('reach npm start through ./coldpool', () => {
    const scripts = (JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe('exec ./coldpool demo');
  });
});
