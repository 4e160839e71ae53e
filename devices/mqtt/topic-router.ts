/**
 * Routes an MQTT topic to the subscription that owns it. Filters follow MQTT 3.1.1 section 4.7: `/`
 * separates levels, `+` matches exactly one level, and `#` (last level only) matches the parent level
 * and any number of child levels. A filter that starts with a wildcard does not match topics that start
 * with `$` (section 4.7.2).
 */
import { compileMapping, deviceIdSource, type PayloadMapping } from './payload-mapping.js';

/** One subscription: a topic filter and how to decode what arrives on it. */
export interface TopicSubscription {
  /** MQTT topic filter, with `+` and `#` wildcards (`sensors/+/state`). */
  filter: string;
  /**
   * Fixed device id for every topic of this filter. One of `device_id` and `device_id_segment` is
   * required unless the mapping takes the device id from the payload (`device_id_from`).
   */
  device_id?: string;
  /** Zero-based topic level whose text is the device id (1 in `sensors/<id>/state`); it wins over `device_id`. */
  device_id_segment?: number;
  /** Payload mapping for every topic of this filter. */
  mapping: PayloadMapping;
  /** Tags added to every sample from this filter. Default none. */
  tags?: Record<string, string>;
}

/** The subscription a topic routes to, with its device id resolved. Routes are cached and shared: read only. */
export interface TopicRoute {
  /** Device id from the topic, or `''` when the mapping takes it from the payload and the topic gives none. */
  readonly device_id: string;
  readonly mapping: PayloadMapping;
  readonly tags: Readonly<Record<string, string>>;
  /** The filter that matched. */
  readonly filter: string;
}

/** Topics whose route is remembered; a fleet publishes on the same topics over and over. */
const ROUTE_CACHE_TOPICS = 16_384;

/** An invalid filter or subscription, raised when the router is built. */
export class TopicFilterError extends Error {
  readonly code = 'MQTT_TOPIC_FILTER_INVALID';

  constructor(
    readonly filter: string,
    reason: string,
  ) {
    super(`invalid MQTT topic filter ${JSON.stringify(filter)}: ${reason}`);
    this.name = 'TopicFilterError';
  }
}

/** Throws `TopicFilterError` unless `filter` is a valid MQTT 3.1.1 topic filter (section 4.7.1). */
export function validateTopicFilter(filter: string): void {
  if (filter.length === 0) throw new TopicFilterError(filter, 'a filter must be at least one character long (4.7.3)');
  if (filter.includes('\u0000')) throw new TopicFilterError(filter, 'a filter must not contain U+0000 (4.7.3)');
  const levels = filter.split('/');
  levels.forEach((level, index) => {
    if (level.includes('#') && (level !== '#' || index !== levels.length - 1)) {
      throw new TopicFilterError(filter, '"#" must be a whole level and the last one (4.7.1.2)');
    }
    if (level.includes('+') && level !== '+') throw new TopicFilterError(filter, '"+" must be a whole level (4.7.1.3)');
  });
}

/** Returns true when `topic` matches `filter` under MQTT 3.1.1 section 4.7. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i += 1) {
    const level = filterLevels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * Orders filters from most to least specific: a filter without `#` before one with it, then fewer `+`
 * levels, then more levels. Ties keep configuration order (Array.prototype.sort is stable).
 */
function compareSpecificity(a: string, b: string): number {
  const levelsA = a.split('/');
  const levelsB = b.split('/');
  const hashA = levelsA.at(-1) === '#' ? 1 : 0;
  const hashB = levelsB.at(-1) === '#' ? 1 : 0;
  if (hashA !== hashB) return hashA - hashB;
  const plusA = levelsA.filter((level) => level === '+').length;
  const plusB = levelsB.filter((level) => level === '+').length;
  if (plusA !== plusB) return plusA - plusB;
  return levelsB.length - levelsA.length;
}

function validateSubscription(subscription: TopicSubscription): void {
  validateTopicFilter(subscription.filter);
  const segment = subscription.device_id_segment;
  const fromTopic = deviceIdSource(subscription.mapping) === 'topic';
  if (fromTopic && subscription.device_id === undefined && segment === undefined) {
    throw new TopicFilterError(
      subscription.filter,
      'set device_id, device_id_segment or a LoRaWAN mapping with device_id_from so samples name their device',
    );
  }
  if (segment !== undefined) {
    const levels = subscription.filter.split('/');
    const hashAt = levels.indexOf('#');
    if (!Number.isInteger(segment) || segment < 0 || segment >= levels.length || segment === hashAt) {
      throw new TopicFilterError(
        subscription.filter,
        `device_id_segment ${segment} must be the zero-based index of a level before any "#" (0..${(hashAt === -1 ? levels.length : hashAt) - 1})`,
      );
    }
  }
  compileMapping(subscription.mapping);
}

/** Routes topics to subscriptions, most specific filter first. */
export class TopicRouter {
  private readonly ordered: TopicSubscription[];
  /** Subscriptions whose filter has no wildcard, by filter: an exact match is the most specific one. */
  private readonly exact = new Map<string, TopicSubscription>();
  /** Subscriptions with a wildcard, most specific first. */
  private readonly wildcards: TopicSubscription[];
  /** Routes of recent topics (`null`: no subscription matches); emptied when it reaches its bound. */
  private readonly cache = new Map<string, TopicRoute | null>();

  /** Validates every filter and mapping; throws `TopicFilterError`, `PayloadMappingError` or `JsonPathError`. */
  constructor(subscriptions: readonly TopicSubscription[]) {
    subscriptions.forEach(validateSubscription);
    this.ordered = [...subscriptions].sort((a, b) => compareSpecificity(a.filter, b.filter));
    for (const subscription of this.ordered) {
      if (isExactFilter(subscription.filter) && !this.exact.has(subscription.filter)) {
        this.exact.set(subscription.filter, subscription);
      }
    }
    this.wildcards = this.ordered.filter((subscription) => !isExactFilter(subscription.filter));
  }

  /** Subscriptions from most to least specific. */
  get subscriptions(): readonly TopicSubscription[] {
    return this.ordered;
  }

  /** Returns the route of the most specific matching filter, or `undefined` for an unknown topic. */
  route(topic: string): TopicRoute | undefined {
    const cached = this.cache.get(topic);
    if (cached !== undefined) return cached ?? undefined;
    const route = this.findRoute(topic);
    if (this.cache.size >= ROUTE_CACHE_TOPICS) this.cache.clear();
    this.cache.set(topic, route ?? null);
    return route;
  }

  private findRoute(topic: string): TopicRoute | undefined {
    const exact = this.exact.get(topic);
    if (exact !== undefined) {
      const device_id = this.deviceId(exact, topic);
      if (device_id !== undefined)
        return Object.freeze({
          device_id,
          mapping: exact.mapping,
          tags: Object.freeze({ ...exact.tags }),
          filter: exact.filter,
        });
    }
    for (const subscription of this.wildcards) {
      if (!topicMatches(subscription.filter, topic)) continue;
      const device_id = this.deviceId(subscription, topic);
      if (device_id === undefined) continue;
      const tags = Object.freeze({ ...subscription.tags });
      return Object.freeze({ device_id, mapping: subscription.mapping, tags, filter: subscription.filter });
    }
    return undefined;
  }

  private deviceId(subscription: TopicSubscription, topic: string): string | undefined {
    if (subscription.device_id_segment === undefined) return subscription.device_id ?? '';
    const level = topic.split('/')[subscription.device_id_segment];
    return level === undefined || level === '' ? undefined : level;
  }
}

function isExactFilter(filter: string): boolean {
  return !filter.includes('+') && !filter.includes('#');
}
