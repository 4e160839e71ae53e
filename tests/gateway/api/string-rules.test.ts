import { afterEach, describe, expect, it } from 'vitest';
import { patternRule } from '../../../gateway/api/string-rules.js';
import { type ApiFixture, createApiFixture } from './api-fixture.js';

/** Collects every `pattern` keyword in a JSON document, with the path where it sits. */
function patternsOf(node: unknown, path: string, found: Array<{ path: string; pattern: unknown }>): void {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') found.push({ path, pattern: value });
    else patternsOf(value, `${path}/${key}`, found);
  }
}

describe('string rules of the api', () => {
  let fixture: ApiFixture;

  afterEach(async () => {
    await fixture.close();
  });

  it('has a rule for every route pattern', async () => {
    fixture = await createApiFixture();
    const document = (await fixture.app.inject({ url: '/docs/json' })).json();
    const found: Array<{ path: string; pattern: unknown }> = [];
    patternsOf(document.paths, '', found);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const { path, pattern } of found) {
      expect(patternRule(pattern), `pattern ${String(pattern)} at ${path}`).toBeDefined();
    }
  });
});
