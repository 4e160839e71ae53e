import { describe, expect, it } from 'vitest';
import { unpackBits, wordsFromBytes } from '../../../devices/modbus/register-codec.js';
import { appendCrc, buildReadRequest, crc16Modbus, parseRtuReply } from '../../../devices/modbus/rtu-frame.js';
import { hexBytes } from './hex-bytes.js';

describe('rtu-frame', () => {
  it('crc of M1 reply body', () => {
    expect(crc16Modbus(hexBytes('01 03 02 FF EC'))).toBe(0x39f8);
  });

  it.each([
    '01 03 02 FF EC F8 39',
    '01 03 04 07 7A 42 9B AB 95',
    '01 01 03 CD 6B 05 42 82',
    '01 83 02 C0 F1',
    '01 86 06 C2 62',
    '01 01 00 14 00 13 3D C3',
  ])('crc closes %s', (frame) => {
    const bytes = hexBytes(frame);
    expect([...appendCrc(bytes.subarray(0, bytes.length - 2))]).toEqual([...bytes]);
  });

  it('builds coil read request', () => {
    expect([...buildReadRequest(1, 1, 20, 19)]).toEqual([...hexBytes('01 01 00 14 00 13 3D C3')]);
  });

  it('parses int16 reply', () => {
    const reply = parseRtuReply(hexBytes('01 03 02 FF EC F8 39'));
    expect(reply.kind).toBe('data');
    if (reply.kind !== 'data') return;
    expect(reply.unit_id).toBe(1);
    expect(reply.function_code).toBe(3);
    expect(wordsFromBytes(reply.data)).toEqual([0xffec]);
  });

  it('parses float32 reply words', () => {
    const reply = parseRtuReply(hexBytes('01 03 04 07 7A 42 9B AB 95'));
    expect(reply.kind).toBe('data');
    if (reply.kind !== 'data') return;
    expect(wordsFromBytes(reply.data)).toEqual([0x077a, 0x429b]);
  });

  it('parses coil reply bits', () => {
    const reply = parseRtuReply(hexBytes('01 01 03 CD 6B 05 42 82'));
    expect(reply.kind).toBe('data');
    if (reply.kind !== 'data') return;
    expect(unpackBits(reply.data, 19).map(Number)).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  });

  it('parses illegal address exception', () => {
    expect(parseRtuReply(hexBytes('01 83 02 C0 F1'))).toEqual({
      kind: 'exception',
      unit_id: 1,
      function_code: 3,
      exception_code: 2,
    });
  });

  it('parses busy exception', () => {
    expect(parseRtuReply(hexBytes('01 86 06 C2 62'))).toEqual({
      kind: 'exception',
      unit_id: 1,
      function_code: 6,
      exception_code: 6,
    });
  });

  it('rejects bad crc', () => {
    expect(() => parseRtuReply(hexBytes('01 03 02 FF EC F8 38'))).toThrow(
      /CRC 0x38F8 does not match the computed 0x39F8/,
    );
  });

  it('rejects byte count mismatch', () => {
    expect(() => parseRtuReply(appendCrc(hexBytes('01 03 04 FF EC')))).toThrow(/byte count 4/);
  });

  it('rejects short frame', () => {
    expect(() => parseRtuReply(hexBytes('01 83 02'))).toThrow(/too short/);
  });

  it('rejects non-read function code', () => {
    expect(() => parseRtuReply(appendCrc(hexBytes('01 06 00 01')))).toThrow(/not a read/);
  });
});
