import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../devices/mqtt/json-codec.js';
import { PayloadError } from '../../../devices/mqtt/payload-error.js';
import type { PayloadMapping } from '../../../devices/mqtt/payload-mapping.js';
import type { DeviceSample } from '../../../devices/sample.js';

const context = { receive_time_ms: 1_796_396_400_000, retained: false };

const numberMapping: PayloadMapping = {
  format: 'number',
  fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$' }],
};
const lenientMapping: PayloadMapping = { ...numberMapping, lenient: true };

function decode(payload: string | Buffer, mapping: PayloadMapping = numberMapping): DeviceSample[] {
  return decodePayload('room-1', Buffer.from(payload), mapping, context);
}

function value(payload: string | Buffer, mapping: PayloadMapping = numberMapping): unknown {
  return decode(payload, mapping)[0]?.fields[0]?.value;
}

function decodeError(payload: string | Buffer, mapping: PayloadMapping = numberMapping): PayloadError {
  try {
    decode(payload, mapping);
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error(`decodePayload accepted ${JSON.stringify(String(payload))}`);
}

describe('number-codec values', () => {
  it.each([
    ['21.5', 21.5],
    ['"21.5"', 21.5],
    [' 21.5\n', 21.5],
    ['\t-18.25\r\n', -18.25],
    ['+4', 4],
    ['2.15e1', 21.5],
    ['" 21.5 "', 21.5],
  ])('reads %j', (payload, expected) => {
    expect(value(payload, lenientMapping)).toBe(expected);
  });

  it('reads quoted number strictly', () => {
    expect(value('"21.5"')).toBe(21.5);
  });

  it('reads payload after UTF-8 BOM', () => {
    expect(value(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('21.5')]))).toBe(21.5);
  });

  it('applies scale', () => {
    const mapping: PayloadMapping = {
      format: 'number',
      fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$', scale: 0.1 }],
    };
    expect(value('215', mapping)).toBe(21.5);
  });

  it('reads boolean words', () => {
    const mapping: PayloadMapping = { format: 'number', fields: [{ name: 'door_open', type: 'boolean', path: '$' }] };
    expect(value('open\n', mapping)).toBe(true);
  });
});

describe('number-codec non-finite', () => {
  it.each([['nan'], ['NaN'], ['-nan'], ['inf'], ['-Infinity']])('rejects %s unless lenient', (payload) => {
    expect(decodeError(payload).code).toBe('PAYLOAD_NOT_NUMBER');
  });

  it('tells how to accept NaN', () => {
    expect(decodeError('nan').reason).toContain('lenient');
  });

  it.each([['nan'], [' NaN\n'], ['-nan'], ['-nan(ind)'], ['Infinity'], ['-inf']])(
    'drops lenient %j as field',
    (payload) => {
      const [sample] = decode(payload, lenientMapping);
      expect(sample?.fields).toEqual([]);
      expect(sample?.errors.map((error) => error.code)).toEqual(['FIELD_NULL']);
    },
  );

  it('rejects quoted NaN even lenient', () => {
    expect(decodeError('"NaN"', lenientMapping).code).toBe('PAYLOAD_NOT_NUMBER');
  });
});

describe('number-codec invalid payloads', () => {
  it('rejects empty payload', () => {
    expect(decodeError('').code).toBe('PAYLOAD_EMPTY');
  });

  it('explains empty payload', () => {
    expect(decodeError('').reason).toContain('retained');
  });

  it('rejects blank payload', () => {
    expect(decodeError(' \r\n').code).toBe('PAYLOAD_EMPTY');
  });

  it('rejects UTF-16 payload', () => {
    expect(decodeError(Buffer.from('21.5', 'utf16le')).code).toBe('PAYLOAD_NOT_UTF8');
  });

  it('rejects UTF-16 payload with BOM', () => {
    expect(decodeError(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('21.5', 'utf16le')])).code).toBe(
      'PAYLOAD_NOT_UTF8',
    );
  });

  it('rejects Latin-1 payload', () => {
    expect(decodeError(Buffer.from('21.5\xb0', 'latin1')).code).toBe('PAYLOAD_NOT_UTF8');
  });

  it('tells to send UTF-8', () => {
    expect(decodeError(Buffer.from('21.5\xb0', 'latin1')).reason).toContain('UTF-8');
  });

  it.each([['21,5'], ['21.5 C'], ['0x15'], ['{"t":21.5}'], ['21.5.1'], ['"']])('rejects %j', (payload) => {
    expect(decodeError(payload).code).toBe('PAYLOAD_NOT_NUMBER');
  });

  it('rejects fraction for integer field', () => {
    const mapping: PayloadMapping = { format: 'number', fields: [{ name: 'count', type: 'integer', path: '$' }] };
    expect(decodeError('3.5', mapping).code).toBe('PAYLOAD_NOT_NUMBER');
  });

  it('rejects empty JSON payload', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', path: 't' }] };
    expect(decodeError('', mapping).code).toBe('PAYLOAD_EMPTY');
  });
});
