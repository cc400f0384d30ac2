/**
 * Whom the bot may message privately on Telegram: a bot can write to a user only after the user
 * started it, and the Bot API cannot be asked. What the bot has seen (a private message, /start,
 * a block) is written through to the store (BotHandlers.directReach), so every instance, and this
 * one after a restart, knows it. The in-process set is a cache in front of the store: losing it
 * costs one store read, and with no store (tests that pass no book) it is all there is.
 */
import type { DirectReachBook } from '../../src/ports.js';
import { BoundedSet } from '../shared/bounded.js';

export class DirectUsers {
  private readonly cache = new BoundedSet<string>(100_000);

  /** `book` is read at call time: the handlers, and with them the store, arrive at start(). */
  constructor(private readonly book: () => DirectReachBook | undefined) {}

  /** Known here without asking the store (the dispatcher's synchronous check). */
  has(userId: string): boolean {
    return this.cache.has(userId);
  }

  add(userId: string): void {
    if (!this.cache.add(userId)) return;
    void this.book()?.set(userId, { state: 'open', channelId: userId }).catch(() => undefined);
  }

  /** The user blocked the bot, or a private message was refused. */
  delete(userId: string): void {
    this.cache.delete(userId);
    void this.book()?.set(userId, undefined).catch(() => undefined);
  }

  /** Whether the user can be messaged privately, asking the store when this process has not seen them. */
  async reachable(userId: string): Promise<boolean> {
    if (this.cache.has(userId)) return true;
    const known = await this.book()?.get(userId).catch(() => undefined);
    if (known?.state !== 'open') return false;
    this.cache.add(userId);
    return true;
  }
}
