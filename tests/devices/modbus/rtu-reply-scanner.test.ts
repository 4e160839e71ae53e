import { describe, expect, it } from 'vitest';
import { type ExpectedReply, replyByteCount, scanForReply } from '../../../devices/modbus/rtu-reply-scanner.js';
import { hexBytes } from './hex-bytes.js';

const READ_0_2: ExpectedReply = {
  unit_id: 1,
  function_code: 3,
  byte_count: 4,
  request: hexBytes('01 03 00 00 00 02 C4 0B'),
};
const READ_94_2: ExpectedReply = { ...READ_0_2, request: hexBytes('01 03 00 5E 00 02 A5 D9') };
const REPLY = '01 03 04 00 00 00 00 FA 33';

describe('rtu-reply-scanner', () => {
  it('byte count of registers and bits', () => {
    expect(replyByteCount(3, 2)).toBe(4);
    expect(replyByteCount(4, 125)).toBe(250);
    expect(replyByteCount(1, 19)).toBe(3);
    expect(replyByteCount(2, 8)).toBe(1);
  });

  it('finds a whole reply', () => {
    const result = scanForReply(hexBytes(REPLY), READ_0_2);
    expect(result).toEqual({ kind: 'frame', start: 0, frame: new Uint8Array(hexBytes(REPLY)), echoes: 0, bad_crc: 0 });
  });

  it.each([1, 4, 8])('waits for a reply cut after %i bytes', (length) => {
    const result = scanForReply(hexBytes(REPLY).subarray(0, length), READ_0_2);
    expect(result).toEqual({ kind: 'incomplete', keep_from: 0, echoes: 0, bad_crc: 0 });
  });

  it('skips noise before the reply', () => {
    const result = scanForReply(hexBytes(`FF 00 01 7E 03 ${REPLY}`), READ_0_2);
    expect(result.kind).toBe('frame');
    expect(result).toMatchObject({ kind: 'frame', start: 5 });
  });

  it('skips a reply with a bad crc', () => {
    const result = scanForReply(hexBytes('01 03 04 00 00 00 01 FA 33'), READ_0_2);
    expect(result).toEqual({ kind: 'incomplete', keep_from: 9, echoes: 0, bad_crc: 1 });
  });

  it('ignores an echoed request', () => {
    const result = scanForReply(hexBytes('01 03 00 5E 00 02 A5 D9'), READ_94_2);
    expect(result).toEqual({ kind: 'incomplete', keep_from: 8, echoes: 1, bad_crc: 0 });
  });

  it('keeps a partial echo', () => {
    const result = scanForReply(hexBytes('01 03 00 5E'), READ_94_2);
    expect(result).toEqual({ kind: 'incomplete', keep_from: 0, echoes: 0, bad_crc: 0 });
  });

  it('finds the reply after an echo', () => {
    const result = scanForReply(hexBytes(`01 03 00 5E 00 02 A5 D9 ${REPLY}`), READ_94_2);
    expect(result).toMatchObject({ kind: 'frame', start: 8 });
    expect(result.echoes).toBe(1);
  });

  it('finds the reply after an echo that looks like a byte count', () => {
    // Start address 0x0400 puts 04, the expected byte count, where a reply has its byte count.
    const request = hexBytes('01 03 04 00 00 02 C5 3B');
    const result = scanForReply(hexBytes(`01 03 04 00 00 02 C5 3B ${REPLY}`), { ...READ_0_2, request });
    expect(result).toMatchObject({ kind: 'frame', start: 8 });
  });

  it('ignores another unit', () => {
    const result = scanForReply(hexBytes('02 03 04 00 00 00 00 FA 00'), READ_0_2);
    // The last byte, 00, is one bit away from unit id 01, so it may start a corrupted reply and is kept.
    expect(result).toEqual({ kind: 'incomplete', keep_from: 8, echoes: 0, bad_crc: 0 });
  });

  it('ignores a valid frame of a unit one bit away', () => {
    // Unit 3 differs from unit 1 in one bit, but the frame's CRC is valid, so it is no corrupted reply.
    const result = scanForReply(hexBytes('03 03 04 00 00 00 00 D9 F3'), READ_0_2);
    expect(result).toEqual({ kind: 'incomplete', keep_from: 9, echoes: 0, bad_crc: 0 });
  });

  it.each([
    ['unit id', '00 03 04 00 00 00 00 FA 33'],
    ['function code', '01 07 04 00 00 00 00 FA 33'],
    ['byte count', '01 03 05 00 00 00 00 FA 33'],
    ['data', '01 03 04 00 00 00 01 FA 33'],
  ])('counts a flipped %s bit as a bad crc', (_, reply) => {
    const result = scanForReply(hexBytes(reply), READ_0_2);
    expect(result.kind).toBe('incomplete');
    expect(result.bad_crc).toBe(1);
  });

  it('waits for a corrupted reply cut short', () => {
    const result = scanForReply(hexBytes('00 03 04 00'), READ_0_2);
    expect(result).toEqual({ kind: 'incomplete', keep_from: 0, echoes: 0, bad_crc: 0 });
  });

  it('ignores a wrong byte count', () => {
    const result = scanForReply(hexBytes('01 03 02 FF EC F8 39'), READ_0_2);
    expect(result.kind).toBe('incomplete');
  });

  it('finds an exception reply', () => {
    const result = scanForReply(hexBytes('01 83 02 C0 F1'), READ_0_2);
    expect(result).toEqual({
      kind: 'frame',
      start: 0,
      frame: new Uint8Array(hexBytes('01 83 02 C0 F1')),
      echoes: 0,
      bad_crc: 0,
    });
  });
});
