import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../devices/mqtt/json-codec.js';
import type { PayloadMapping } from '../../devices/mqtt/payload-mapping.js';
import { expectTypedOutcome, fuzzParameters } from './fuzz-harness.js';

const context = { receive_time_ms: 1_764_806_400_000, retained: false };

const MAPPINGS: PayloadMapping[] = [
  {
    format: 'json',
    fields: [
      { name: 'air_temp_c', type: 'float', unit: 'C', path: '$.temp', valid_min: -60, valid_max: 80 },
      { name: 'door_open', type: 'boolean', path: '$.door' },
      { name: 'battery_v', type: 'float', unit: 'V', path: '$.status.bat', scale: 0.001 },
      { name: 'firmware', type: 'string', path: '$.fw' },
      { name: 'alarm_count', type: 'integer', path: '$.alarms[0]' },
    ],
    time_path: '$.ts',
    sequence_path: '$.seq',
  },
  { ...{ format: 'json' as const, lenient: true }, fields: [{ name: 'air_temp_c', type: 'float', path: '$.temp' }] },
  { format: 'number', fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$' }] },
  {
    format: 'json',
    fields: [{ name: 'site_code', type: 'string', path: '$.site' }],
    split: {
      path: '$.compartments',
      tag_name: 'compartment',
      tag_path: '$.id',
      fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$.temp' }],
    },
  },
  { format: 'chirpstack_v4', fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$.temp' }] },
  { format: 'tts_v3', fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$.temp' }] },
];

const mapping = fc.constantFrom(...MAPPINGS);

/** Values of the mapped keys: every JSON type, non-finite tokens and numbers as strings. */
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.double().map(String),
  fc.constantFrom('NaN', '-nan', 'Infinity', '1.#INF', ' 4.2 ', '', '0x10', '1e400'),
);

/** JSON objects shaped like the mapped payloads, so decoding gets past parsing to field coercion. */
const shapedPayload = fc
  .record(
    {
      temp: fieldValue,
      door: fieldValue,
      status: fc.oneof(fc.record({ bat: fieldValue }), fieldValue),
      fw: fieldValue,
      alarms: fc.array(fieldValue, { maxLength: 3 }),
      ts: fc.oneof(
        fc.integer(),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fieldValue,
      ),
      seq: fieldValue,
      site: fieldValue,
      compartments: fc.oneof(fc.array(fc.record({ id: fieldValue, temp: fieldValue }), { maxLength: 4 }), fieldValue),
      deviceInfo: fc.record({ devEui: fieldValue, deviceName: fieldValue }),
      object: fc.record({ temp: fieldValue }),
      end_device_ids: fc.record({ device_id: fieldValue, dev_eui: fieldValue }),
      uplink_message: fc.record({ decoded_payload: fc.record({ temp: fieldValue }), f_cnt: fieldValue }),
    },
    { requiredKeys: [] },
  )
  .map((document) => Buffer.from(JSON.stringify(document)));

/** Shaped JSON text with a bare non-finite token spliced in, which only lenient parsing accepts. */
const tokenPayload = fc
  .tuple(fc.constantFrom('NaN', 'nan(ind)', '-Infinity', '+Inf', '∞', '1.#QNAN'), fc.jsonValue({ maxDepth: 1 }))
  .map(([token, other]) => Buffer.from(`{"temp": ${token}, "other": ${JSON.stringify(other) ?? 'null'}}`));

/** Payload of `depth` nested arrays, or of objects nesting `temp` (built in the property so a failure prints only the depth). */
function nested(depth: number, kind: 'array' | 'object'): Buffer {
  if (kind === 'array') return Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
  return Buffer.from(`${'{"temp":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

const anyPayload = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text)),
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => Buffer.from(text)),
  shapedPayload,
  tokenPayload,
);

describe('fuzz decodePayload', () => {
  it('returns samples or a typed error', () => {
    fc.assert(
      fc.property(mapping, anyPayload, (chosen, payload) => {
        const samples = expectTypedOutcome(() => decodePayload('room-1', payload, chosen, context));
        // One sample per array element at most, so the output cannot outgrow the input.
        if (samples !== undefined) expect(samples.length).toBeLessThanOrEqual(payload.length + 1);
      }),
      fuzzParameters(),
    );
  });

  it('keeps field errors typed', () => {
    fc.assert(
      fc.property(mapping, shapedPayload, (chosen, payload) => {
        const samples = expectTypedOutcome(() => decodePayload('room-1', payload, chosen, context)) ?? [];
        for (const sample of samples) {
          for (const error of sample.errors) expect(typeof error.code).toBe('string');
        }
      }),
      fuzzParameters(),
    );
  });

  it('handles deeply nested arrays', () => {
    fc.assert(
      fc.property(mapping, fc.integer({ min: 1, max: 20000 }), (chosen, depth) => {
        expectTypedOutcome(() => decodePayload('room-1', nested(depth, 'array'), chosen, context));
      }),
      { ...fuzzParameters(), numRuns: 200 },
    );
  });

  it('handles nested objects to depth 3000', () => {
    fc.assert(
      fc.property(mapping, fc.integer({ min: 1, max: 3000 }), (chosen, depth) => {
        expectTypedOutcome(() => decodePayload('room-1', nested(depth, 'object'), chosen, context));
      }),
      { ...fuzzParameters(), numRuns: 100 },
    );
  });

  // A field nested 5000 deep is a 45 kB payload, below the default max_payload_bytes.
  it('rejects a 5000-deep field value with a typed error', () => {
    expectTypedOutcome(() => decodePayload('room-1', nested(5000, 'object'), MAPPINGS[1]!, context));
  });

  it('accepts numeric fields in range', () => {
    fc.assert(
      fc.property(fc.double({ min: -60, max: 80, noNaN: true }), (temp) => {
        const payload = Buffer.from(JSON.stringify({ temp }));
        const [sample] = decodePayload('room-1', payload, MAPPINGS[1]!, context);
        // JSON has no negative zero, so -0 arrives as 0.
        expect(sample?.fields.find((field) => field.spec.name === 'air_temp_c')?.value).toBe(temp === 0 ? 0 : temp);
      }),
      fuzzParameters(),
    );
  });
});
