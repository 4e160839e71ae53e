/**
 * Matcher of the topics that the process reading an in-process broker publishes or subscribes to itself.
 * Messages on them reach the broker's publish hook like any other, but no device sent them, so they are
 * no unknown topics. Each entry is an exact topic or a topic followed by `/#` for its whole subtree. An
 * entry with any other wildcard matches nothing, because PUBLISH topics cannot contain `+` or `#`.
 * Matching allocates nothing, because it runs for every message that no subscription routes.
 */
export class OwnTopics {
  private readonly exact = new Set<string>();
  /** Subtree prefixes with their trailing '/', such as `coldpool/readings/`. */
  private readonly prefixes: string[] = [];

  constructor(filters: readonly string[]) {
    for (const filter of filters) {
      const subtree = filter.endsWith('/#');
      const base = subtree ? filter.slice(0, -2) : filter;
      // MQTT 3.1.1 section 4.7.1.2: `a/#` matches `a` itself as well as every topic under it.
      this.exact.add(base);
      if (subtree) this.prefixes.push(`${base}/`);
    }
  }

  /**
   * Returns true for an own topic and for a topic that starts with `$`. Such topics (`$SYS/...`) belong
   * to the broker, and MQTT 3.1.1 section 4.7.2 keeps them out of wildcard subscriptions.
   */
  includes(topic: string): boolean {
    if (topic.charCodeAt(0) === 0x24) return true;
    if (this.exact.has(topic)) return true;
    for (const prefix of this.prefixes) {
      if (topic.startsWith(prefix)) return true;
    }
    return false;
  }
}
