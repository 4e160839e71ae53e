import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CLOSED_PIPE_EXIT_CODE, exitQuietlyOnClosedPipe, onClosedPipe } from '../../../gateway/cli/closed-pipe.js';

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code });
}

describe('exitQuietlyOnClosedPipe', () => {
  it('exits with status 0 on EPIPE', () => {
    const stream = new EventEmitter();
    const codes: number[] = [];
    exitQuietlyOnClosedPipe(stream, (code) => codes.push(code));
    stream.emit('error', errnoError('EPIPE'));
    expect(codes).toEqual([CLOSED_PIPE_EXIT_CODE]);
    expect(CLOSED_PIPE_EXIT_CODE).toBe(0);
  });

  it('rethrows other write errors', () => {
    const stream = new EventEmitter();
    const codes: number[] = [];
    exitQuietlyOnClosedPipe(stream, (code) => codes.push(code));
    expect(() => stream.emit('error', errnoError('ENOSPC'))).toThrow('write ENOSPC');
    expect(codes).toEqual([]);
  });

  it('runs a set action once', () => {
    const stream = new EventEmitter();
    const codes: number[] = [];
    let stops = 0;
    onClosedPipe(() => {
      stops += 1;
    });
    exitQuietlyOnClosedPipe(stream, (code) => codes.push(code));
    stream.emit('error', errnoError('EPIPE'));
    stream.emit('error', errnoError('EPIPE'));
    stream.emit('error', errnoError('ERR_STREAM_DESTROYED'));
    expect(stops).toBe(1);
    expect(codes).toEqual([]);
  });
});
