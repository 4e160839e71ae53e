/**
 * Per-key rate limiter (a token bucket per source address): each key may spend `max_events` at once and
 * regains them evenly over `window_s`. Used for MQTT connections and HTTP logins.
 */

/** Options of `RateLimiter`. */
export interface RateLimiterOptions {
  /** Events one key may spend in a burst, and per window. */
  max_events: number;
  /** Seconds in which a key regains `max_events`. */
  window_s: number;
  /** Keys tracked at once, default 10000. When full, the least recently used key is forgotten. */
  max_keys?: number;
  /** Clock in milliseconds, default `Date.now`. */
  now_ms?: () => number;
}

interface Bucket {
  tokens: number;
  updated_ms: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    if (!Number.isInteger(options.max_events) || options.max_events < 1) {
      throw new RangeError(`max_events ${options.max_events} must be a positive integer`);
    }
    if (!(options.window_s > 0)) throw new RangeError(`window_s ${options.window_s} must be positive`);
    this.refillPerMs = options.max_events / (options.window_s * 1000);
    this.maxKeys = options.max_keys ?? 10000;
    this.now = options.now_ms ?? Date.now;
  }

  /** Spends one event for `key`; returns false when the key has none left, and spends nothing then. */
  take(key: string): boolean {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Milliseconds until `key` may spend one event again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const bucket = this.refill(key);
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.refillPerMs);
  }

  /** Gives back one event that `key` spent, up to its allowance. */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) bucket.tokens = Math.min(this.options.max_events, bucket.tokens + 1);
  }

  /** Gives `key` its full allowance back, such as after a successful login. */
  reset(key: string): void {
    this.buckets.delete(key);
  }

  /** Number of keys tracked now. */
  size(): number {
    return this.buckets.size;
  }

  private refill(key: string): Bucket {
    const now = this.now();
    const existing = this.buckets.get(key);
    const max = this.options.max_events;
    if (existing === undefined) {
      // NOTE: a client with more than max_keys addresses can evict its own key and so reset its allowance.
      // The limit is per address, so it does not stop a distributed flood.
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
      const bucket = { tokens: max, updated_ms: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - existing.updated_ms);
    existing.tokens = Math.min(max, existing.tokens + elapsed * this.refillPerMs);
    existing.updated_ms = now;
    // Re-insert so Map order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, existing);
    return existing;
  }
}
