/**
 * Finds the reply to one RTU request in the bytes received since it was sent. RTU frames are delimited by
 * 3.5 character times of silence (Modbus over Serial Line v1.02 section 2.5.1.1). USB adapters and the
 * operating system deliver bytes in chunks of their own, though, so that timing is lost before the driver
 * sees the bytes. A reply is therefore recognised by its content: the unit id and function code of the
 * request, the length that the function code and byte count imply, and a matching CRC. Anything else is
 * noise or an echo of the request.
 */
import { crc16Modbus } from './rtu-frame.js';

/** Expected shape of the reply to one read request. */
export interface ExpectedReply {
  /** Unit id the request was sent to, 1 to 247. */
  unit_id: number;
  /** Function code of the request, 1 to 4. */
  function_code: number;
  /** Data bytes of a normal reply: 2 per register, or one per 8 bits rounded up. */
  byte_count: number;
  /** The request frame as sent, to recognise an adapter that echoes it. */
  request: Uint8Array;
}

/** Outcome of one scan of the receive buffer. */
export type ScanResult =
  /** A complete frame with a valid CRC at `start`; bytes before it are noise or echoes. */
  | { kind: 'frame'; start: number; frame: Uint8Array; echoes: number; bad_crc: number }
  /** No complete frame yet; bytes before `keep_from` can never start one and may be dropped. */
  | { kind: 'incomplete'; keep_from: number; echoes: number; bad_crc: number };

/** Length of an exception reply: unit id, function code | 0x80, exception code, CRC. */
const EXCEPTION_FRAME_LENGTH = 5;

/** Expected data bytes of a reply to a read of `quantity` registers (codes 3, 4) or bits (codes 1, 2). */
export function replyByteCount(functionCode: number, quantity: number): number {
  return functionCode === 3 || functionCode === 4 ? 2 * quantity : Math.ceil(quantity / 8);
}

/**
 * Scans `buffer` for the first complete reply to `expected`. A candidate starts with the request's unit id
 * and either its function code followed by the expected byte count, or the function code with bit 7 set
 * (an exception). A candidate with a bad CRC, or one equal to the request bytes, is skipped. A frame of the
 * expected length whose header differs from the expected one in one bit is skipped too. It counts in
 * `bad_crc` when its CRC fails, because a flipped header bit breaks the CRC as a flipped data bit does.
 */
export function scanForReply(buffer: Uint8Array, expected: ExpectedReply): ScanResult {
  let keepFrom = buffer.length;
  let echoes = 0;
  let badCrc = 0;
  for (let start = 0; start < buffer.length; start++) {
    const length = candidateLength(buffer, start, expected);
    if (length === 0) {
      const corrupted = corruptedReplyLength(buffer, start, expected);
      if (corrupted < 0 || start + corrupted > buffer.length) {
        keepFrom = Math.min(keepFrom, start);
      } else if (corrupted > 0 && !hasValidCrc(buffer.subarray(start, start + corrupted))) {
        badCrc++;
      }
      continue;
    }
    if (length < 0 || start + length > buffer.length) {
      // Possibly the start of a frame whose remaining bytes are still on their way.
      keepFrom = Math.min(keepFrom, start);
      continue;
    }
    const frame = buffer.subarray(start, start + length);
    if (isEcho(buffer, start, expected.request)) {
      echoes++;
      start += expected.request.length - 1;
      continue;
    }
    if (!hasValidCrc(frame)) {
      badCrc++;
      continue;
    }
    return { kind: 'frame', start, frame: new Uint8Array(frame), echoes, bad_crc: badCrc };
  }
  return { kind: 'incomplete', keep_from: keepFrom, echoes, bad_crc: badCrc };
}

/**
 * Length of the frame that would start at `start`: 0 when no reply can start there, -1 when too few bytes
 * have arrived to tell.
 */
function candidateLength(buffer: Uint8Array, start: number, expected: ExpectedReply): number {
  if (buffer[start] !== expected.unit_id) return 0;
  if (start + 1 >= buffer.length) return -1;
  const code = buffer[start + 1]!;
  if (code === (expected.function_code | 0x80)) return EXCEPTION_FRAME_LENGTH;
  if (code !== expected.function_code) return 0;
  if (start + 2 >= buffer.length) return -1;
  if (buffer[start + 2] === expected.byte_count) return expected.byte_count + 5;
  // A request echo has the start address where a reply has its byte count; recognise it by its own length.
  return isEchoPrefix(buffer, start, expected.request) ? expected.request.length : 0;
}

/**
 * Returns the length of a reply with one flipped bit in its unit id, function code or byte count at
 * `start`. That is the expected length when those three bytes differ from the expected ones in exactly
 * one bit, 0 when they differ more, and -1 when too few bytes have arrived to tell. Such a frame is never
 * the reply. With a bad CRC it is a corrupted reply, and with a valid CRC another unit's frame.
 */
function corruptedReplyLength(buffer: Uint8Array, start: number, expected: ExpectedReply): number {
  const header = [expected.unit_id, expected.function_code, expected.byte_count];
  let flippedBits = 0;
  for (let i = 0; i < header.length; i++) {
    if (start + i >= buffer.length) return flippedBits <= 1 ? -1 : 0;
    flippedBits += bitCount(buffer[start + i]! ^ header[i]!);
    if (flippedBits > 1) return 0;
  }
  return flippedBits === 1 ? expected.byte_count + 5 : 0;
}

function bitCount(value: number): number {
  let count = 0;
  for (let rest = value; rest !== 0; rest >>= 1) count += rest & 1;
  return count;
}

/** True when the bytes from `start` match the request as far as they go, to the request's full length. */
function isEchoPrefix(buffer: Uint8Array, start: number, request: Uint8Array): boolean {
  const available = Math.min(request.length, buffer.length - start);
  for (let i = 0; i < available; i++) {
    if (buffer[start + i] !== request[i]) return false;
  }
  return true;
}

function isEcho(buffer: Uint8Array, start: number, request: Uint8Array): boolean {
  return buffer.length - start >= request.length && isEchoPrefix(buffer, start, request);
}

function hasValidCrc(frame: Uint8Array): boolean {
  const received = frame[frame.length - 2]! | (frame[frame.length - 1]! << 8);
  return crc16Modbus(frame.subarray(0, frame.length - 2)) === received;
}
