import { describe, expect, it } from 'vitest';
import {
  conflictingFields,
  parseFieldTypeConflicts,
  selectFields,
} from '../../../gateway/outputs/field-type-conflict.js';
import { identifyRejectedLines } from '../../../gateway/outputs/rejected-lines.js';
import { withoutConflicts } from '../../../gateway/outputs/type-conflict-round.js';

describe('parseFieldTypeConflicts', () => {
  it('reads field, measurement and types', () => {
    const error =
      'partial write: field type conflict: input field "humidity_pct" on measurement "cold_room" is type boolean, already exists as type float dropped=1';
    expect(parseFieldTypeConflicts(error)).toEqual([
      { field: 'humidity_pct', measurement: 'cold_room', input_type: 'boolean', existing_type: 'float' },
    ]);
  });

  it('reads several conflicts', () => {
    const error =
      'field type conflict: input field "a" on measurement "m" is type integer, already exists as type float; ' +
      'field type conflict: input field "b" on measurement "n" is type string, already exists as type boolean dropped=2';
    const conflicts = parseFieldTypeConflicts(error);
    expect(conflicts.map((conflict) => conflict.field)).toEqual(['a', 'b']);
    expect(conflicts.map((conflict) => conflict.measurement)).toEqual(['m', 'n']);
    expect(conflicts.map((conflict) => conflict.existing_type)).toEqual(['float', 'boolean']);
  });

  it('reads names with quotes and spaces', () => {
    const error =
      'partial write: field type conflict: input field "say "hi"" on measurement "cold "room" a" is type float, already exists as type string dropped=1';
    expect(parseFieldTypeConflicts(error)).toEqual([
      { field: 'say "hi"', measurement: 'cold "room" a', input_type: 'float', existing_type: 'string' },
    ]);
  });

  it('returns nothing for other errors', () => {
    expect(parseFieldTypeConflicts("partial write: unable to parse 'x': invalid field format dropped=0")).toEqual([]);
  });
});

describe('conflictingFields', () => {
  const conflicts = parseFieldTypeConflicts(
    'field type conflict: input field "h pct" on measurement "cold room" is type boolean, already exists as type float',
  );

  it('finds escaped names of the conflicting type', () => {
    expect(conflictingFields('cold\\ room,device=a t=1,h\\ pct=true 1000', conflicts)).toEqual(['h pct']);
  });

  it('ignores a value of the existing type', () => {
    expect(conflictingFields('cold\\ room,device=a t=1,h\\ pct=2.5 1000', conflicts)).toEqual([]);
  });

  it('ignores other measurements', () => {
    expect(conflictingFields('reefer,device=a h\\ pct=true 1000', conflicts)).toEqual([]);
  });
});

describe('selectFields', () => {
  const line = 'm,tag=a\\ b s="x, y=\\"z\\" w",h=true,n=3i 1000';

  it('removes a field after a string value', () => {
    expect(selectFields(line, (key) => key !== 'h')).toBe('m,tag=a\\ b s="x, y=\\"z\\" w",n=3i 1000');
  });

  it('keeps only selected fields', () => {
    expect(selectFields(line, (key) => key === 'h')).toBe('m,tag=a\\ b h=true 1000');
  });

  it('returns null without fields left', () => {
    expect(selectFields(line, () => false)).toBeNull();
  });

  it('keeps a line without timestamp', () => {
    expect(selectFields('m a=1,b=t', (key) => key === 'a')).toBe('m a=1');
  });
});

describe('withoutConflicts', () => {
  const lines = ['m a=1,b=t 1', 'm a=2 2', 'm b=f 3', 'm a=t,c=1 4'];
  const reason =
    'partial write: field type conflict: input field "b" on measurement "m" is type boolean, already exists as type float';

  it('resends stripped lines only when all drops are named', () => {
    const round = withoutConflicts(lines, { rejected: 2, reason: `${reason} dropped=2` });
    expect(round?.next).toEqual(['m a=1 1']);
    expect(round?.written).toBe(2);
    expect(round?.rejected.map((rejected) => rejected.lines)).toEqual([['m b=f 3']]);
    expect(round?.removed.map((removed) => removed.line)).toEqual(['m a=1,b=t 1']);
  });

  it('resends the batch when drops are unnamed', () => {
    const round = withoutConflicts(lines, { rejected: 3, reason: `${reason} dropped=3` });
    expect(round?.next).toEqual(['m a=1 1', 'm a=2 2', 'm a=t,c=1 4']);
    expect(round?.written).toBe(0);
  });

  it('returns undefined when no line matches', () => {
    expect(withoutConflicts(['m a=1 1'], { rejected: 1, reason: `${reason} dropped=1` })).toBeUndefined();
  });
});

describe('identifyRejectedLines', () => {
  it('matches quoted field names', () => {
    const lines = ['m say\\ "hi"=true 1', 'm say\\ "hi"=1 2'];
    const error =
      'partial write: field type conflict: input field "say "hi"" on measurement "m" is type boolean, already exists as type float dropped=1';
    expect(identifyRejectedLines(lines, error)).toEqual([lines[0]]);
  });
});
