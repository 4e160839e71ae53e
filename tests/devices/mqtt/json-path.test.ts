import { describe, expect, it } from 'vitest';
import { compileJsonPath, JsonPathError, parseJsonPath } from '../../../devices/mqtt/json-path.js';

const document = {
  a: { b: 7 },
  list: [{ b: 'first' }, { b: 'second' }],
  'key.with.dots': { 'x y': true },
  zero: 0,
  nothing: null,
};

describe('json-path', () => {
  it('reads dotted path with root', () => {
    expect(compileJsonPath('$.a.b').get(document)).toEqual({ found: true, value: 7 });
  });

  it('reads dotted path without root', () => {
    expect(compileJsonPath('a.b').get(document)).toEqual({ found: true, value: 7 });
  });

  it('reads array index', () => {
    expect(compileJsonPath('list[1].b').get(document)).toEqual({ found: true, value: 'second' });
  });

  it('reads quoted key with dots', () => {
    expect(compileJsonPath("$['key.with.dots']['x y']").get(document)).toEqual({ found: true, value: true });
  });

  it('reads double-quoted key', () => {
    expect(compileJsonPath('$["key.with.dots"]').get(document)).toEqual({ found: true, value: { 'x y': true } });
  });

  it('reads escaped quote in key', () => {
    expect(compileJsonPath("$['it\\'s']").get({ "it's": 1 })).toEqual({ found: true, value: 1 });
  });

  it('selects whole document with $', () => {
    expect(compileJsonPath('$').get(42)).toEqual({ found: true, value: 42 });
  });

  it('finds falsy values', () => {
    expect(compileJsonPath('zero').get(document)).toEqual({ found: true, value: 0 });
  });

  it('finds null values', () => {
    expect(compileJsonPath('nothing').get(document)).toEqual({ found: true, value: null });
  });

  it('reports missing key with location', () => {
    expect(compileJsonPath('a.c.d').get(document)).toEqual({ found: false, missing_at: '$.a.c' });
  });

  it('reports index past end', () => {
    expect(compileJsonPath('list[2]').get(document)).toEqual({ found: false, missing_at: '$.list[2]' });
  });

  it('reports key on array as missing', () => {
    expect(compileJsonPath('list.b').get(document).found).toBe(false);
  });

  it('reports index on object as missing', () => {
    expect(compileJsonPath('a[0]').get(document).found).toBe(false);
  });

  it('ignores inherited properties', () => {
    expect(compileJsonPath('a.toString').get(document).found).toBe(false);
  });

  it('parses segments once', () => {
    expect(parseJsonPath("$.a[3]['b.c']")).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'index', index: 3 },
      { kind: 'key', key: 'b.c' },
    ]);
  });

  it.each([
    ['', 'empty'],
    ['$.', 'dot without key'],
    ['a..b', 'double dot'],
    ['a[', 'open bracket'],
    ['a[-1]', 'negative index'],
    ["a['b]", 'unterminated quote'],
    ['a[*]', 'wildcard'],
    ['$..a', 'recursive descent'],
    ['a b', 'blank inside key'],
  ])('rejects %j (%s)', (path) => {
    expect(() => compileJsonPath(path)).toThrow(JsonPathError);
  });

  it('names bad path in error', () => {
    const error = (() => {
      try {
        compileJsonPath('a[*]');
      } catch (caught) {
        return caught as JsonPathError;
      }
      throw new Error('compileJsonPath accepted a[*]');
    })();
    expect(error.code).toBe('JSON_PATH_INVALID');
    expect(error.message).toContain('"a[*]"');
  });
});
