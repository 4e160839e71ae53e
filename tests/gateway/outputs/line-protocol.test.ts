import { describe, expect, it } from 'vitest';
import { toLine } from '../../../gateway/outputs/line-protocol.js';
import type { Reading } from '../../../gateway/reading.js';

function reading(overrides: Omit<Partial<Reading>, 'fields'> & { fields: Record<string, unknown> }): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'dock', asset: 'room-1', device: 'probe-1' },
    integer_fields: new Set<string>(),
    time_ms: 1_700_000_000_000,
    time_source: 'receive',
    ...overrides,
    fields: overrides.fields as Reading['fields'],
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('line-protocol', () => {
  it('escapes measurement and tags', () => {
    const input = reading({ measurement: 'cold room 1', tags: { site: 'Dock A,Bay=3' }, fields: { temp_c: -18.5 } });
    expect(toLine(input, 'ns').line).toBe('cold\\ room\\ 1,site=Dock\\ A\\,Bay\\=3 temp_c=-18.5 1700000000000000000');
    expect(toLine(input, 'ms').line).toBe('cold\\ room\\ 1,site=Dock\\ A\\,Bay\\=3 temp_c=-18.5 1700000000000');
  });

  it('escapes tag keys and field keys', () => {
    const input = reading({ tags: { 'zone a=1,b': 'x' }, fields: { 'temp c=1,x': 2.5 } });
    expect(toLine(input).line).toBe('cold_room,zone\\ a\\=1\\,b=x temp\\ c\\=1\\,x=2.5 1700000000000');
  });

  it('rejects tag value ending in backslash', () => {
    const input = reading({ tags: { site: 'C:\\' }, fields: { temp_c: 1 } });
    expect(codeOf(() => toLine(input))).toBe('LINE_TRAILING_BACKSLASH');
    expect(() => toLine(input)).toThrow(/"C:\\\\" .*ends in a backslash/);
  });

  it('rejects keys ending in backslash', () => {
    expect(codeOf(() => toLine(reading({ tags: { 'site\\': 'a' }, fields: { t: 1 } })))).toBe(
      'LINE_TRAILING_BACKSLASH',
    );
    expect(codeOf(() => toLine(reading({ fields: { 'temp_c\\': 1 } })))).toBe('LINE_TRAILING_BACKSLASH');
    expect(codeOf(() => toLine(reading({ measurement: 'room\\', fields: { t: 1 } })))).toBe('LINE_TRAILING_BACKSLASH');
  });

  it('escapes quotes and backslashes in strings', () => {
    const input = reading({ tags: {}, fields: { note: 'door "B" open\\' } });
    expect(toLine(input).line).toBe('cold_room note="door \\"B\\" open\\\\" 1700000000000');
  });

  it('rejects newlines in tags and names', () => {
    expect(codeOf(() => toLine(reading({ tags: { site: 'a\nb' }, fields: { t: 1 } })))).toBe('LINE_NEWLINE');
    expect(codeOf(() => toLine(reading({ tags: { site: 'a\rb' }, fields: { t: 1 } })))).toBe('LINE_NEWLINE');
    expect(codeOf(() => toLine(reading({ measurement: 'a\nb', fields: { t: 1 } })))).toBe('LINE_NEWLINE');
    expect(codeOf(() => toLine(reading({ fields: { 'a\nb': 1 } })))).toBe('LINE_NEWLINE');
  });

  it('drops string fields with newlines', () => {
    const result = toLine(reading({ tags: {}, fields: { note: 'line 1\nline 2', rh: 40 } }));
    expect(result.line).toBe('cold_room rh=40 1700000000000');
    expect(result.dropped_fields).toEqual([{ field: 'note', reason: 'newline' }]);
  });

  it('rejects field or tag named time', () => {
    expect(codeOf(() => toLine(reading({ fields: { time: 1 } })))).toBe('LINE_RESERVED_KEY');
    expect(codeOf(() => toLine(reading({ tags: { time: 'x' }, fields: { t: 1 } })))).toBe('LINE_RESERVED_KEY');
  });

  it('rejects empty names', () => {
    expect(codeOf(() => toLine(reading({ measurement: '', fields: { t: 1 } })))).toBe('LINE_NAME_INVALID');
    expect(codeOf(() => toLine(reading({ fields: { '': 1 } })))).toBe('LINE_NAME_INVALID');
    expect(codeOf(() => toLine(reading({ measurement: '#room', fields: { t: 1 } })))).toBe('LINE_NAME_INVALID');
  });

  it('omits tags with empty values', () => {
    expect(toLine(reading({ tags: { site: 'a', compartment: '' }, fields: { t: 1 } })).line).toBe(
      'cold_room,site=a t=1 1700000000000',
    );
  });

  it('sorts tags by key', () => {
    const input = reading({ tags: { site: 's', asset: 'a', device: 'd', compartment: 'c' }, fields: { t: 1 } });
    expect(toLine(input).line).toBe('cold_room,asset=a,compartment=c,device=d,site=s t=1 1700000000000');
  });

  it('drops invalid numbers and null', () => {
    const result = toLine(reading({ tags: {}, fields: { rh: 55.2, temp_c: Number.NaN, door: null, aux: Infinity } }));
    expect(result.line).toBe('cold_room rh=55.2 1700000000000');
    expect(result.dropped_fields).toEqual([
      { field: 'temp_c', reason: 'nan' },
      { field: 'door', reason: 'null' },
      { field: 'aux', reason: 'infinite' },
    ]);
  });

  it('drops point with no valid field', () => {
    const result = toLine(reading({ fields: { temp_c: Number.NaN, aux: -Infinity } }));
    expect(result.line).toBeNull();
    expect(result.dropped_fields).toHaveLength(2);
  });

  it('writes whole floats without suffix', () => {
    expect(toLine(reading({ tags: {}, fields: { temp_c: 21.0 } })).line).toBe('cold_room temp_c=21 1700000000000');
    expect(toLine(reading({ tags: {}, fields: { temp_c: 21.5 } })).line).toBe('cold_room temp_c=21.5 1700000000000');
  });

  it('suffixes declared integer fields', () => {
    const input = reading({
      tags: {},
      fields: { battery_pct: 74, temp_c: 3 },
      integer_fields: new Set(['battery_pct']),
    });
    expect(toLine(input).line).toBe('cold_room battery_pct=74i,temp_c=3 1700000000000');
  });

  it('drops fractional or unsafe integers', () => {
    const input = reading({ fields: { a: 1.5, b: 2 ** 60, c: 1 }, integer_fields: new Set(['a', 'b', 'c']) });
    const result = toLine(input);
    expect(result.line).toContain(' c=1i ');
    expect(result.dropped_fields).toEqual([
      { field: 'a', reason: 'not_integer' },
      { field: 'b', reason: 'integer_unsafe' },
    ]);
  });

  it('writes booleans', () => {
    expect(toLine(reading({ tags: {}, fields: { door_open: true } })).line).toBe(
      'cold_room door_open=true 1700000000000',
    );
  });

  it('writes ms timestamps unscaled', () => {
    expect(toLine(reading({ tags: {}, fields: { t: 1 }, time_ms: 1479224298038 }), 'ms').line).toBe(
      'cold_room t=1 1479224298038',
    );
  });

  it('computes ns timestamps exactly', () => {
    expect(BigInt(1570620038253 * 1e6)).not.toBe(1570620038253000000n);
    expect(toLine(reading({ tags: {}, fields: { t: 1 }, time_ms: 1479224298038 }), 'ns').line).toBe(
      'cold_room t=1 1479224298038000000',
    );
    expect(toLine(reading({ tags: {}, fields: { t: 1 }, time_ms: 1570620038253 }), 'ns').line).toBe(
      'cold_room t=1 1570620038253000000',
    );
  });

  it('rejects fractional timestamps', () => {
    expect(codeOf(() => toLine(reading({ fields: { t: 1 }, time_ms: 1479224298038.5 })))).toBe('LINE_TIME_INVALID');
  });

  it('sorts tag keys by their UTF-8 bytes, as InfluxDB does', () => {
    // U+FF21 sorts before U+1F600 in UTF-16 code units but after it in UTF-8 bytes.
    const input = reading({ tags: { '\u{1F600}': 'e', '\uFF21': 'w', z: 'z', é: 'a' }, fields: { t: 1 } });
    expect(toLine(input).line).toBe('cold_room,z=z,é=a,\uFF21=w,\u{1F600}=e t=1 1700000000000');
  });

  it('reuses series key in any order', () => {
    const first = toLine(reading({ tags: { site: 'Dock A', device: 'p,1' }, fields: { t: 1 } })).line;
    const again = toLine(reading({ tags: { site: 'Dock A', device: 'p,1' }, fields: { t: 1 } })).line;
    const reordered = toLine(reading({ tags: { device: 'p,1', site: 'Dock A' }, fields: { t: 1 } })).line;
    expect(first).toBe('cold_room,device=p\\,1,site=Dock\\ A t=1 1700000000000');
    expect(again).toBe(first);
    expect(reordered).toBe(first);
  });

  it('keeps checking names that look like an earlier valid tag set joined together', () => {
    const valid = reading({ tags: { a: 'x', b: 'y' }, fields: { t: 1 } });
    expect(toLine(valid).line).toBe('cold_room,a=x,b=y t=1 1700000000000');
    // The same characters as one tag value with a newline must still be refused.
    const joined = reading({ tags: { a: 'x\nb=y' }, fields: { t: 1 } });
    expect(codeOf(() => toLine(joined))).toBe('LINE_NEWLINE');
    expect(codeOf(() => toLine(joined))).toBe('LINE_NEWLINE');
    expect(toLine(reading({ tags: { a: 'x|1:b=1:y' }, fields: { t: 1 } })).line).toBe(
      'cold_room,a=x|1:b\\=1:y t=1 1700000000000',
    );
  });

  it('keeps refusing a bad field key after good ones were seen', () => {
    expect(toLine(reading({ fields: { t: 1 } })).line).not.toBeNull();
    expect(codeOf(() => toLine(reading({ fields: { 'bad\\': 1 } })))).toBe('LINE_TRAILING_BACKSLASH');
    expect(codeOf(() => toLine(reading({ fields: { time: 1 } })))).toBe('LINE_RESERVED_KEY');
  });
});

describe('line-protocol series keys of frozen tag sets', () => {
  it('keys one tag set per measurement', () => {
    const tags = Object.freeze({ site: 'dock', asset: 'room-1', device: 'probe-1' });
    const room = toLine(reading({ tags, fields: { temp_c: 1 } })).line;
    const health = toLine(reading({ measurement: 'device_health', tags, fields: { up: true } })).line;
    expect(room).toBe('cold_room,asset=room-1,device=probe-1,site=dock temp_c=1 1700000000000');
    expect(health).toBe('device_health,asset=room-1,device=probe-1,site=dock up=true 1700000000000');
    expect(toLine(reading({ tags, fields: { temp_c: 2 } })).line).toBe(
      'cold_room,asset=room-1,device=probe-1,site=dock temp_c=2 1700000000000',
    );
  });

  it('keeps a lone surrogate of a tag value in the kept key', () => {
    const tags = Object.freeze({ site: 'dock', device: 'p\uD800' });
    expect(toLine(reading({ tags, fields: { t: 1 } })).line).toBe(
      'cold_room,device=p\uD800,site=dock t=1 1700000000000',
    );
    expect(toLine(reading({ tags, fields: { t: 2 } })).line).toBe(
      'cold_room,device=p\uD800,site=dock t=2 1700000000000',
    );
  });

  it('checks an unseen frozen tag set', () => {
    const tags = Object.freeze({ site: 'dock\n', asset: 'room-1', device: 'probe-1' });
    expect(codeOf(() => toLine(reading({ tags, fields: { temp_c: 1 } })))).toBe('LINE_NEWLINE');
  });
});
