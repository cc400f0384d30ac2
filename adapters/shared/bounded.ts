/**
 * Size-capped memories for the adapters' small in-process state: update ids seen, threads the
 * bot is in, user names, DM channels, users whose DMs were refused. Oldest entries go first, so
 * a long-running bot never grows without bound. They are caches: losing them on restart costs an
 * extra API call or one missed thread follow-up, never a lost message, because the engine's
 * store dedupes on InboundMessage.id across restarts.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();

  constructor(
    private readonly maxSize: number,
    private readonly ttlMs: number = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    // Re-inserting moves the key to the young end of the Map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A bounded "seen recently" set on the same rules. */
export class BoundedSet<K> {
  private readonly map: BoundedMap<K, true>;

  constructor(capacity: number, ttlMs?: number, now?: () => number) {
    this.map = new BoundedMap<K, true>(capacity, ttlMs, now);
  }

  /** True the first time `key` is seen (and remembers it); false for a repeat. */
  add(key: K): boolean {
    if (this.map.has(key)) return false;
    this.map.set(key, true);
    return true;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
