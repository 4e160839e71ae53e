import { describe, expect, it } from 'vitest';
import { tuneGarbageCollection } from '../../gateway/gc-tuning.js';

describe('gc tuning', () => {
  it('turns pretenuring off by default', () => {
    expect(tuneGarbageCollection([], undefined)).toBe(true);
  });

  it('keeps a flag given at start', () => {
    expect(tuneGarbageCollection(['--allocation-site-pretenuring'], undefined)).toBe(false);
    expect(tuneGarbageCollection([], '--max-old-space-size=256 --no-allocation-site-pretenuring')).toBe(false);
  });
});
