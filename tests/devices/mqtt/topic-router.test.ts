import { describe, expect, it } from 'vitest';
import type { PayloadMapping } from '../../../devices/mqtt/payload-mapping.js';
import {
  TopicFilterError,
  TopicRouter,
  type TopicSubscription,
  topicMatches,
  validateTopicFilter,
} from '../../../devices/mqtt/topic-router.js';

const mapping: PayloadMapping = {
  format: 'json',
  fields: [{ name: 'air_temp_c', type: 'float', path: 'temperature' }],
};

describe('topicMatches', () => {
  it.each([
    ['sensors/+/state', 'sensors/cold-room-2/state', true],
    ['sensors/+/state', 'sensors/cold-room-2/config', false],
    ['sensors/+/state', 'sensors/a/b/state', false],
    ['sensors/+', 'sensors/', true],
    ['sensors/#', 'sensors', true],
    ['sensors/#', 'sensors/a/b/c', true],
    ['sensors/#', 'sensorsx/a', false],
    ['#', 'anything/at/all', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['sensors/state', 'sensors/state', true],
    ['sensors/state', 'Sensors/state', false],
    ['sensors/state', 'sensors/state/', false],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
  ])('%s matches %s is %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('validateTopicFilter', () => {
  it.each([[''], ['sensors/#/state'], ['sensors#'], ['sensors/a+'], ['a\u0000b']])('rejects %j', (filter) => {
    expect(() => validateTopicFilter(filter)).toThrow(TopicFilterError);
  });

  it.each([['#'], ['+'], ['sensors/+/state'], ['sensors/#'], ['/']])('accepts %j', (filter) => {
    expect(() => validateTopicFilter(filter)).not.toThrow();
  });
});

describe('TopicRouter', () => {
  const subscriptions: TopicSubscription[] = [
    { filter: 'sensors/#', device_id: 'catch-all', mapping },
    { filter: 'sensors/+/state', device_id_segment: 1, mapping, tags: { site: 'dock-a' } },
    { filter: 'sensors/reefer-7/state', device_id: 'REEFER-7', mapping },
    { filter: 'sensors/+/+', device_id: 'two-levels', mapping },
  ];
  const router = new TopicRouter(subscriptions);

  it('prefers exact filter', () => {
    expect(router.route('sensors/reefer-7/state')?.device_id).toBe('REEFER-7');
  });

  it('prefers fewer wildcards', () => {
    expect(router.route('sensors/cold-room-2/state')?.filter).toBe('sensors/+/state');
  });

  it('takes device id from segment', () => {
    expect(router.route('sensors/cold-room-2/state')?.device_id).toBe('cold-room-2');
  });

  it('copies subscription tags', () => {
    expect(router.route('sensors/cold-room-2/state')?.tags).toEqual({ site: 'dock-a' });
  });

  it('prefers plus over hash', () => {
    expect(router.route('sensors/cold-room-2/config')?.device_id).toBe('two-levels');
  });

  it('falls back to hash', () => {
    expect(router.route('sensors/a/b/c')?.device_id).toBe('catch-all');
  });

  it('returns undefined for unknown topic', () => {
    expect(router.route('alarms/cold-room-2')).toBeUndefined();
  });

  it('skips empty device segment', () => {
    const only = new TopicRouter([{ filter: 'sensors/+/state', device_id_segment: 1, mapping }]);
    expect(only.route('sensors//state')).toBeUndefined();
  });

  it('keeps configuration order on ties', () => {
    const tied = new TopicRouter([
      { filter: 'a/+', device_id: 'first', mapping },
      { filter: '+/b', device_id: 'second', mapping },
    ]);
    expect(tied.route('a/b')?.device_id).toBe('first');
  });

  it('requires a device id source', () => {
    expect(() => new TopicRouter([{ filter: 'sensors/+', mapping }])).toThrow(TopicFilterError);
  });

  it('rejects segment under hash', () => {
    expect(() => new TopicRouter([{ filter: 'sensors/#', device_id_segment: 1, mapping }])).toThrow(TopicFilterError);
  });

  it('rejects segment past last level', () => {
    expect(() => new TopicRouter([{ filter: 'sensors/+', device_id_segment: 2, mapping }])).toThrow(TopicFilterError);
  });

  it('rejects invalid filter', () => {
    expect(() => new TopicRouter([{ filter: 'sensors/#/x', device_id: 'a', mapping }])).toThrow(TopicFilterError);
  });

  it('rejects invalid mapping path', () => {
    const bad: PayloadMapping = { format: 'json', fields: [{ name: 'x', type: 'float', path: 'a[' }] };
    expect(() => new TopicRouter([{ filter: 'a', device_id: 'a', mapping: bad }])).toThrow(/JSON path/);
  });
});

describe('TopicRouter route cache', () => {
  it('routes repeated topics past cache bound', () => {
    const router = new TopicRouter([
      { filter: 'sensors/+/state', device_id_segment: 1, mapping, tags: { site: 'dock' } },
      { filter: 'sensors/room-9/state', device_id: 'room-nine', mapping },
    ]);
    for (let round = 0; round < 2; round++) {
      // One assertion per round: 20,000 separate ones took over 5 s on a loaded 2-core machine.
      const misrouted: string[] = [];
      for (let index = 0; index < 20_000; index++) {
        if (router.route(`sensors/d${index}/state`)?.device_id !== `d${index}`) misrouted.push(`d${index}`);
      }
      expect(misrouted).toEqual([]);
      expect(router.route('sensors/room-9/state')?.device_id).toBe('room-nine');
      expect(router.route('other/d1/state')).toBeUndefined();
      expect(router.route('sensors//state')).toBeUndefined();
    }
  });

  it('returns routes that cannot be changed by their reader', () => {
    const router = new TopicRouter([
      { filter: 'sensors/+/state', device_id_segment: 1, mapping, tags: { site: 'dock' } },
    ]);
    const route = router.route('sensors/d1/state');
    expect(Object.isFrozen(route)).toBe(true);
    expect(router.route('sensors/d1/state')).toBe(route);
    expect(route?.tags).toEqual({ site: 'dock' });
  });
});
