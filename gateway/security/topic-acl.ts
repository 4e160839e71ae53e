/**
 * MQTT topic access patterns in the style of mosquitto's `pattern` lines. `%u` is replaced by the user
 * name and `%c` by the client id. The pattern is then matched with the wildcards of MQTT 3.1.1 section
 * 4.7: `+` matches one level, `#` the rest, and neither matches a first level that starts with `$`.
 */
import { topicMatches } from '../../devices/mqtt/topic-router.js';

/** Client whose user name and client id replace `%u` and `%c`. */
export interface AclSubject {
  username: string | undefined;
  client_id: string;
}

/**
 * Substitutes `%u` and `%c` in `pattern`. Returns undefined when the pattern needs a value the subject
 * lacks or one that contains `/`, `+` or `#`, because such a value could reach another client's topics.
 */
export function substitutePattern(pattern: string, subject: AclSubject): string | undefined {
  let unusable = false;
  const result = pattern.replace(/%[uc]/g, (token) => {
    const value = token === '%u' ? subject.username : subject.client_id;
    if (value === undefined || value === '' || /[/+#]/.test(value)) unusable = true;
    return value ?? '';
  });
  return unusable ? undefined : result;
}

/**
 * Returns true when every topic that subscription filter `filter` can match is also matched by
 * `pattern`, so granting the subscription grants nothing beyond the pattern.
 */
export function filterWithin(filter: string, pattern: string): boolean {
  const filterLevels = filter.split('/');
  const patternLevels = pattern.split('/');
  // A wildcard in the first level does not match a topic that starts with `$` (MQTT 3.1.1 section 4.7.2).
  if (filter.startsWith('$') && (patternLevels[0] === '+' || patternLevels[0] === '#')) return false;
  for (let i = 0; i < filterLevels.length; i++) {
    const want = filterLevels[i]!;
    const allowed = patternLevels[i];
    if (allowed === '#') return true;
    if (allowed === undefined) return false;
    if (want === '#') return false;
    if (want === '+' && allowed !== '+') return false;
    if (want !== '+' && allowed !== '+' && want !== allowed) return false;
  }
  // `a/#` matches the parent level `a` too (MQTT 3.1.1 section 4.7.1.2).
  if (filterLevels.length === patternLevels.length) return true;
  return patternLevels.length === filterLevels.length + 1 && patternLevels.at(-1) === '#';
}

/** Returns true when `topic` matches at least one of `patterns` after substitution. */
export function anyPatternMatches(patterns: readonly string[], subject: AclSubject, topic: string): boolean {
  return patterns.some((pattern) => {
    const concrete = substitutePattern(pattern, subject);
    return concrete !== undefined && topicMatches(concrete, topic);
  });
}

/** Returns true when subscription `filter` lies within at least one of `patterns` after substitution. */
export function anyPatternCovers(patterns: readonly string[], subject: AclSubject, filter: string): boolean {
  return patterns.some((pattern) => {
    const concrete = substitutePattern(pattern, subject);
    return concrete !== undefined && filterWithin(filter, concrete);
  });
}

/** Number of levels of a topic name or filter: `a/b/c` has 3. */
export function topicDepth(topic: string): number {
  let depth = 1;
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 0x2f) depth++;
  return depth;
}
