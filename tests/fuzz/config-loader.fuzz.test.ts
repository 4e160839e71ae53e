import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../gateway/config/load.js';
import { expectTypedOutcome, fuzzParameters } from './fuzz-harness.js';

const examplesDir = join(import.meta.dirname, '../../examples/config');
const EXAMPLES = readdirSync(examplesDir)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => readFileSync(join(examplesDir, name), 'utf8'));

beforeAll(() => {
  // The first call loads and caches the built-in profiles, which is not what the time bound measures.
  expectTypedOutcome(() => parseConfig('site: warmup\n'));
});

/**
 * Scalars that YAML reads in surprising ways (booleans, octal, tags, anchors). Aliases to a missing
 * anchor are left out because they hit the known bug tested at the end of this file.
 */
const yamlScalar = fc.constantFrom(
  'yes',
  'no',
  'on',
  '~',
  '0o17',
  '0x1F',
  '.inf',
  '-.nan',
  '1e999',
  '!!binary aGk=',
  '!!set {a, b}',
  '&anchor x',
  '"\\u0000"',
  "'",
  '|',
  '>-',
  '[',
  '{',
  '- -',
  '2026-12-04',
  '12:30:00',
);

/** An example config with one edit: a line removed, duplicated or cut, or a value replaced. */
const mutatedExample = fc
  .tuple(
    fc.constantFrom(...EXAMPLES),
    fc.nat(),
    fc.constantFrom('delete', 'duplicate', 'replace', 'truncate', 'indent'),
    fc.oneof(
      yamlScalar,
      fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(value) ?? 'null'),
    ),
  )
  .map(([text, at, edit, value]) => {
    const lines = text.split('\n');
    const index = at % lines.length;
    const line = lines[index]!;
    if (edit === 'delete') lines.splice(index, 1);
    if (edit === 'duplicate') lines.splice(index, 0, line);
    if (edit === 'indent') lines[index] = `   ${line}`;
    if (edit === 'replace')
      lines[index] = line.includes(':') ? `${line.slice(0, line.indexOf(':') + 1)} ${value}` : value;
    if (edit === 'truncate') return text.slice(0, at % (text.length + 1));
    return lines.join('\n');
  });

/** Config-shaped documents with random values under the real keys. */
const shapedConfig = fc
  .record(
    {
      version: fc.jsonValue({ maxDepth: 1 }),
      site: fc.jsonValue({ maxDepth: 1 }),
      log_level: fc.oneof(fc.constantFrom('info', 'debug'), fc.string()),
      mqtt: fc.record(
        {
          broker: fc.dictionary(fc.constantFrom('enabled', 'host', 'port', 'max_payload_bytes'), fc.jsonValue()),
          url: fc.oneof(fc.webUrl(), fc.string()),
          subscriptions: fc.array(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })), {
            maxLength: 3,
          }),
        },
        { requiredKeys: [] },
      ),
      devices: fc.array(
        fc.dictionary(
          fc.constantFrom(
            'id',
            'protocol',
            'topic',
            'profile',
            'host',
            'port',
            'unit_id',
            'fields',
            'registers',
            'poll_interval_s',
          ),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        { maxLength: 4 },
      ),
      profiles: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })),
      outputs: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((document) => stringify(document));

describe('fuzz parseConfig', () => {
  it('handles random text', () => {
    // Text with `*` (a YAML alias) is left out while the unresolved-alias bug tested below is open.
    const withoutAliases = fc.string({ unit: 'grapheme', maxLength: 400 }).filter((each) => !each.includes('*'));
    fc.assert(
      fc.property(withoutAliases, (text) => {
        expectTypedOutcome(() => parseConfig(text));
      }),
      fuzzParameters(),
    );
  });

  it('handles yaml of random values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expectTypedOutcome(() => parseConfig(stringify(value)));
      }),
      fuzzParameters(),
    );
  });

  it('handles edited example configs', () => {
    fc.assert(
      fc.property(mutatedExample, (text) => {
        expectTypedOutcome(() => parseConfig(text));
      }),
      fuzzParameters(),
    );
  });

  it('handles config-shaped documents', () => {
    fc.assert(
      fc.property(shapedConfig, (text) => {
        expectTypedOutcome(() => parseConfig(text));
      }),
      fuzzParameters(),
    );
  });

  it('bounds the error message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        try {
          parseConfig(text);
        } catch (error) {
          // Each problem shows at most a 60-character value, so the message grows with the problems, not the input.
          expect((error as Error).message.length).toBeLessThan(2000 + 400 * 4);
        }
      }),
      fuzzParameters(),
    );
  });

  // The yaml package throws a plain ReferenceError for an alias to an undefined anchor.
  it('rejects an unresolved alias with a typed error', () => {
    expectTypedOutcome(() => parseConfig('site: *anchor\n'));
  });

  // Over 100 aliases make the yaml package throw a plain ReferenceError; its limit stops the memory blow-up.
  it('rejects a yaml alias bomb with a typed error', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expectTypedOutcome(() => parseConfig(lines.join('\n')));
  });
});
