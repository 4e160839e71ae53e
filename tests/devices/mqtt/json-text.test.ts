import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../devices/mqtt/json-codec.js';
import { parseJsonPayload, replaceNonFiniteTokens } from '../../../devices/mqtt/json-text.js';
import { PayloadError } from '../../../devices/mqtt/payload-error.js';
import type { PayloadMapping } from '../../../devices/mqtt/payload-mapping.js';

const TOKENS = [
  'NaN',
  'nan',
  '-nan',
  'Infinity',
  '-Infinity',
  'inf',
  '-inf',
  '+Inf',
  'NAN',
  '-nan(ind)',
  '1.#QNAN',
  '∞',
];

function parseLenient(text: string): unknown {
  return parseJsonPayload(Buffer.from(text), true).document;
}

function strictErrorCode(text: string): string {
  try {
    parseJsonPayload(Buffer.from(text), false);
  } catch (error) {
    if (error instanceof PayloadError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('json-text lenient tokens', () => {
  it.each(TOKENS)('reads %s object value as null', (token) => {
    expect(parseLenient(`{"t":${token},"h":41.0}`)).toEqual({ t: null, h: 41 });
  });

  it.each(TOKENS)('reads %s array element as null', (token) => {
    expect(parseLenient(`[1.5, ${token}, 2]`)).toEqual([1.5, null, 2]);
  });

  it.each(TOKENS)('reads %s first array element as null', (token) => {
    expect(parseLenient(`[${token}]`)).toEqual([null]);
  });

  it.each(TOKENS)('rejects %s when strict', (token) => {
    expect(strictErrorCode(`{"t":${token}}`)).toBe('PAYLOAD_JSON_INVALID');
  });

  it('reads nested tokens', () => {
    expect(parseLenient('{"a":{"b":[NaN,\n -Infinity ]},"c":inf}')).toEqual({ a: { b: [null, null] }, c: null });
  });

  it('counts replaced tokens', () => {
    expect(parseJsonPayload(Buffer.from('[NaN,nan,1,-inf]'), true).replaced_tokens).toBe(3);
  });

  it.each(TOKENS)('keeps %s inside strings', (token) => {
    const text = JSON.stringify({ s: token, t: `${token} probe` });
    expect(replaceNonFiniteTokens(text)).toEqual({ text, replaced: 0 });
  });

  it('keeps token after escaped quote', () => {
    expect(parseLenient('{"s":"a\\",NaN","v":NaN}')).toEqual({ s: 'a",NaN', v: null });
  });

  it('keeps key named NaN', () => {
    expect(parseLenient('{"NaN":NaN}')).toEqual({ NaN: null });
  });

  it.each([['{"v":Nancy}'], ['{"v":info}'], ['{"v":nan1}'], ['{"v":NaN.5}']])('rejects %s as JSON', (text) => {
    expect(() => parseLenient(text)).toThrow(PayloadError);
  });
});

describe('json-codec lenient fields', () => {
  const mapping: PayloadMapping = {
    format: 'json',
    lenient: true,
    fields: [
      { name: 'air_temp_c', type: 'float', unit: 'C', path: 'temperature' },
      { name: 'humidity_pct', type: 'float', unit: 'percent', path: 'humidity' },
    ],
  };

  function decode(text: string, used: PayloadMapping = mapping) {
    return decodePayload('room-1', Buffer.from(text), used, { receive_time_ms: 1_796_396_400_000, retained: false });
  }

  it('fails string NaN as field', () => {
    const [sample] = decode('{"temperature":"NaN","humidity":41}');
    expect(sample?.errors.map((error) => `${error.field} ${error.code}`)).toEqual(['air_temp_c FIELD_NOT_NUMBER']);
  });

  it('keeps fields next to string NaN', () => {
    const [sample] = decode('{"temperature":"NaN","humidity":41}');
    expect(sample?.fields.map((field) => field.value)).toEqual([41]);
  });

  it('keeps string NaN for string field', () => {
    const stringMapping: PayloadMapping = {
      format: 'json',
      lenient: true,
      fields: [{ name: 'probe_state', type: 'string', path: 's' }],
    };
    expect(decode('{"s":"NaN"}', stringMapping)[0]?.fields[0]?.value).toBe('NaN');
  });

  it('reads trimmed numeric string', () => {
    expect(decode('{"temperature":" -18.5 ","humidity":"41"}')[0]?.fields.map((field) => field.value)).toEqual([
      -18.5, 41,
    ]);
  });

  it('drops NaN in split element', () => {
    const split: PayloadMapping = {
      format: 'json',
      lenient: true,
      fields: [],
      split: {
        path: 'zones',
        tag_name: 'zone',
        tag_path: 'id',
        fields: [{ name: 'return_air_c', type: 'float', unit: 'C', path: 't' }],
      },
    };
    const samples = decode('{"zones":[{"id":1,"t":-nan},{"id":2,"t":3.5}]}', split);
    expect(samples.map((sample) => sample.errors.map((error) => error.code))).toEqual([['FIELD_NULL'], []]);
    expect(samples.map((sample) => sample.fields.map((field) => field.value))).toEqual([[], [3.5]]);
  });
});
