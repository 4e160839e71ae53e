import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../devices/mqtt/topic-router.js';
import {
  anyPatternCovers,
  anyPatternMatches,
  filterWithin,
  substitutePattern,
  topicDepth,
} from '../../gateway/security/topic-acl.js';

const room = { username: 'room-1', client_id: 'room-1-fw' };

describe('topicMatches', () => {
  it.each([
    ['devices/room-1/#', 'devices/room-1/state', true],
    ['devices/room-1/#', 'devices/room-1', true],
    ['devices/room-1/#', 'devices/room-2/state', false],
    ['devices/+/state', 'devices/room-1/state', true],
    ['devices/+/state', 'devices/room-1/state/x', false],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/', false],
  ])('%s on %s is %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('filterWithin', () => {
  it.each([
    ['commands/room-1/#', 'commands/room-1/#', true],
    ['commands/room-1/setpoint', 'commands/room-1/#', true],
    ['commands/room-1', 'commands/room-1/#', true],
    ['commands/+/setpoint', 'commands/room-1/#', false],
    ['commands/#', 'commands/room-1/#', false],
    ['#', 'commands/room-1/#', false],
    ['readings/+/temp_c', 'readings/#', true],
    ['readings/+/temp_c', 'readings/+/+', true],
    ['readings/#', 'readings/+/+', false],
    ['$SYS/#', '#', false],
    ['$SYS/#', '$SYS/#', true],
    ['a/b/c', 'a/b', false],
  ])('%s within %s is %s', (filter, pattern, expected) => {
    expect(filterWithin(filter, pattern)).toBe(expected);
  });

  it('agrees with topicMatches on topics', () => {
    const level = fc.constantFrom('a', 'b', '+', '#');
    const topicLevel = fc.constantFrom('a', 'b', 'c');
    const filter = fc.array(level, { minLength: 1, maxLength: 4 }).map((levels) => {
      const cut = levels.indexOf('#');
      return (cut === -1 ? levels : levels.slice(0, cut + 1)).join('/');
    });
    const topic = fc.array(topicLevel, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/'));
    fc.assert(
      fc.property(filter, filter, topic, (wanted, pattern, name) => {
        // A filter within a pattern may match no topic the pattern does not match.
        if (filterWithin(wanted, pattern) && topicMatches(wanted, name)) return topicMatches(pattern, name);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('substitutePattern', () => {
  it('replaces %u and %c', () => {
    expect(substitutePattern('devices/%u/%c/#', room)).toBe('devices/room-1/room-1-fw/#');
  });

  it('rejects a user name with a slash', () => {
    expect(substitutePattern('devices/%u/#', { username: 'room-1/x', client_id: 'c' })).toBeUndefined();
  });

  it('rejects a user name with a wildcard', () => {
    expect(substitutePattern('devices/%u/#', { username: '+', client_id: 'c' })).toBeUndefined();
  });

  it('rejects %u without a user', () => {
    expect(substitutePattern('devices/%u/#', { username: undefined, client_id: 'c' })).toBeUndefined();
  });

  it('keeps patterns without tokens', () => {
    expect(substitutePattern('readings/#', { username: undefined, client_id: 'c' })).toBe('readings/#');
  });
});

describe('anyPatternMatches', () => {
  it('allows own prefix', () => {
    expect(anyPatternMatches(['devices/%u/#'], room, 'devices/room-1/state')).toBe(true);
  });

  it('rejects other prefix', () => {
    expect(anyPatternMatches(['devices/%u/#'], room, 'devices/room-2/state')).toBe(false);
  });
});

describe('anyPatternCovers', () => {
  it('allows own command filter', () => {
    expect(anyPatternCovers(['commands/%u/#'], room, 'commands/room-1/+')).toBe(true);
  });

  it('rejects wildcard over all devices', () => {
    expect(anyPatternCovers(['commands/%u/#'], room, 'commands/+/setpoint')).toBe(false);
  });
});

describe('topicDepth', () => {
  it.each([
    ['a', 1],
    ['a/b/c', 3],
    ['/', 2],
  ])('%s has %i levels', (topic, depth) => {
    expect(topicDepth(topic)).toBe(depth);
  });
});
