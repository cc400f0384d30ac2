/**
 * A bounded "seen recently" set. Telegram redelivers an update when a webhook answer fails
 * or times out, and after a restart that never confirmed the offset (PLATFORMS.md §4.1).
 * This in-memory layer catches the fast repeats; the engine's SQLite dedupe on
 * InboundMessage.id catches the rest, across restarts.
 */
export class RecentIds<K = string | number> {
  private readonly seen = new Set<K>();

  constructor(private readonly capacity: number) {}

  /** True the first time `id` is seen (and remembers it); false for a repeat. */
  add(id: K): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    // Sets iterate in insertion order: the first entry is the oldest.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as K);
    return true;
  }

  has(id: K): boolean {
    return this.seen.has(id);
  }

  delete(id: K): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }
}
