import { describe, expect, it } from 'vitest';
import { levelRank, parseAlarmMessage } from '../../../firmware-sim/scenario/alarm-message.js';

describe('parseAlarmMessage', () => {
  it('reads the documented shape', () => {
    const alarm = parseAlarmMessage(
      '{"id":"a1","state":"raised","level":"alarm","kind":"high","asset":"chill-1","site":"s","time_ms":5,"value":7.5}',
    );
    expect(alarm).toEqual({
      id: 'a1',
      state: 'raised',
      level: 'alarm',
      kind: 'high',
      asset: 'chill-1',
      site: 's',
      time_ms: 5,
      value: 7.5,
    });
  });

  it('reads the notifier field names', () => {
    const alarm = parseAlarmMessage(
      '{"alarm_id":"a2","status":"cleared","level":"warning","kind":"no_data","asset":"x","device":"d"}',
    );
    expect(alarm?.id).toBe('a2');
    expect(alarm?.state).toBe('cleared');
    expect(alarm?.device).toBe('d');
  });

  it('rejects an unknown level', () => {
    expect(parseAlarmMessage('{"id":"a","state":"raised","level":"panic"}')).toBeUndefined();
  });

  it('rejects invalid JSON', () => {
    expect(parseAlarmMessage('{"id":')).toBeUndefined();
  });

  it('ranks critical above warning', () => {
    expect(levelRank('critical')).toBeGreaterThan(levelRank('alarm'));
    expect(levelRank('alarm')).toBeGreaterThan(levelRank('warning'));
  });
});
