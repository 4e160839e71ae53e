import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSection, writeSubsection } from '../../bench/support/benchmarks-file.js';
import { percentile } from '../../bench/support/percentiles.js';

function tempFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'coldpool-benchmarks-')), 'BENCHMARKS.md');
  writeFileSync(path, text);
  return path;
}

describe('writeSection', () => {
  it('replaces only its own section', () => {
    const path = tempFile('# Benchmarks\n\n## A\n\nold a\n\n## B\n\nkeep b\n');
    writeSection('A', 'new a', path);
    expect(readFileSync(path, 'utf8')).toBe('# Benchmarks\n\n## A\n\nnew a\n\n## B\n\nkeep b\n');
  });

  it('appends a missing section', () => {
    const path = tempFile('# Benchmarks\n\n## B\n\nkeep b\n');
    writeSection('C', 'c body', path);
    expect(readFileSync(path, 'utf8')).toBe('# Benchmarks\n\n## B\n\nkeep b\n\n## C\n\nc body\n');
  });
});

describe('writeSubsection', () => {
  it('keeps the other variants', () => {
    const path = tempFile('# Benchmarks\n\n## Ingest\n\n### one\n\nfirst\n\n### two\n\nsecond\n\n## Next\n\nx\n');
    writeSubsection('Ingest', 'one', 'replaced', path);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('### one\n\nreplaced\n');
    expect(text).toContain('### two\n\nsecond\n');
    expect(text).toContain('## Next\n\nx\n');
  });

  it('creates the section when missing', () => {
    const path = tempFile('# Benchmarks\n');
    writeSubsection('Modbus', 'default', 'body', path);
    expect(readFileSync(path, 'utf8')).toContain('## Modbus\n\n### default\n\nbody\n');
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
  });

  it('returns NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
