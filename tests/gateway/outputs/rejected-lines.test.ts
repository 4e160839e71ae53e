import { describe, expect, it } from 'vitest';
import { chunkLines } from '../../../gateway/outputs/influx-sink.js';
import { identifyRejectedLines } from '../../../gateway/outputs/rejected-lines.js';

describe('rejected-lines', () => {
  const lines = [
    'cold_room,device=a level=1i,seq=1i 1000',
    'cold_room,device=a level=2.5,seq=2i 2000',
    'reefer,device=b level=2.5 3000',
    'cold_room,device=a temp_c=oops 4000',
  ];

  it('finds field type conflict lines', () => {
    const error =
      'partial write: field type conflict: input field "level" on measurement "cold_room" is type float, already exists as type integer dropped=1';
    expect(identifyRejectedLines(lines, error)).toEqual([lines[1]]);
  });

  it('finds unparsable lines', () => {
    const error = `partial write: unable to parse '${lines[3]}': invalid number dropped=0`;
    expect(identifyRejectedLines(lines, error)).toEqual([lines[3]]);
  });

  it('finds nothing in other errors', () => {
    expect(identifyRejectedLines(lines, 'partial write: points beyond retention policy dropped=2')).toEqual([]);
  });

  it('matches escaped measurement names', () => {
    const escaped = ['cold\\ room,device=a level=2.5 1000'];
    const error = 'field type conflict: input field "level" on measurement "cold room" is type float, already exists';
    expect(identifyRejectedLines(escaped, error)).toEqual(escaped);
  });
});

describe('chunk-lines', () => {
  it('bounds batches by lines', () => {
    expect(chunkLines(['a', 'b', 'c'], 2, 1000)).toEqual([['a', 'b'], ['c']]);
  });

  it('bounds batches by bytes', () => {
    expect(chunkLines(['aaaa', 'bbbb', 'cccc'], 10, 9)).toEqual([['aaaa', 'bbbb'], ['cccc']]);
  });

  it('keeps an oversized line alone', () => {
    expect(chunkLines(['a', 'bbbbbbbbbbbb', 'c'], 10, 5)).toEqual([['a'], ['bbbbbbbbbbbb'], ['c']]);
  });
});
