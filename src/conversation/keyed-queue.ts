/**
 * Turns taken one at a time per key and concurrently across keys: two messages from one user
 * are handled in the order received, while other users proceed in parallel.
 *
 * A caller waits for its turn and releases it, rather than handing the queue a callback: the
 * engine's pipeline then reads as one function from top to bottom, and a turn asked for before
 * another is released (the reply's, before triage lets go) keeps its place in line.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Number of keys with a turn taken or waiting. */
  get activeKeys(): number {
    return this.tails.size;
  }

  /**
   * Takes a place in `key`'s line at once (synchronously) and resolves with its release once
   * every earlier turn of that key is released. Release exactly once, in a `finally`: the
   * line waits for it.
   */
  turn(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const tail = previous.then(() => released);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return previous.then(() => release);
  }

  /** Resolves once every turn taken has been released (graceful shutdown). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
