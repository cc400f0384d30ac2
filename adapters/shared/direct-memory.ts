/**
 * Whom the bot can message privately, for platforms where the answer is learnt by trying
 * (Discord: a DM channel, or 50007 when the member blocks DMs; Slack: conversations.open, or an
 * error saying a DM cannot exist). What was learnt is written through to the store
 * (BotHandlers.directReach), so every instance, and this one after a restart, knows a person's
 * DM channel without asking the platform again, and does not retry a refused DM for an hour.
 *
 * The maps here are a cache in front of the store: losing them costs one store read. With no
 * store (adapter tests that pass no book) they are all there is, as before. A store that fails
 * is logged and skipped: the platform is asked instead, which is what a cold cache does anyway.
 */
import type { Logger } from '../../src/logger.js';
import type { DirectReachBook } from '../../src/ports.js';
import { BoundedMap } from './bounded.js';

/** What is known about one person. */
export type KnownDirect = { state: 'open'; channelId: string } | { state: 'closed' };

export interface DirectMemoryOptions {
  /** How long a refused DM is not tried again (unless the person writes privately first). */
  closedForMs: number;
  /** Bound on each in-process map. */
  maxRemembered: number;
  logger: Logger;
  now?: () => number;
}

export class DirectMemory {
  /** user id → their private channel with the bot. */
  private readonly open: BoundedMap<string, string>;
  /** Users whose private channel the platform refused, until closedForMs has passed. */
  private readonly closed: BoundedMap<string, true>;
  private readonly now: () => number;
  /** Set by the adapter's start(): the handlers, and with them the store, arrive there. */
  book: DirectReachBook | undefined;

  constructor(private readonly options: DirectMemoryOptions) {
    this.now = options.now ?? Date.now;
    this.open = new BoundedMap(options.maxRemembered, Number.POSITIVE_INFINITY, this.now);
    this.closed = new BoundedMap(options.maxRemembered, options.closedForMs, this.now);
  }

  /**
   * The person wrote privately on `channelId`: they can be reached there, whatever was refused
   * before. Written to the store only when it is news to this process (not once per message).
   */
  sawDirect(userId: string, channelId: string): void {
    if (this.open.get(userId) === channelId && !this.closed.has(userId)) return;
    this.opened(userId, channelId);
  }

  /** The platform gave (or confirmed) the person's private channel. */
  opened(userId: string, channelId: string): void {
    this.closed.delete(userId);
    this.open.set(userId, channelId);
    this.write(userId, { state: 'open', channelId });
  }

  /** The platform refused a private message to the person. */
  refused(userId: string): void {
    this.open.delete(userId);
    this.closed.set(userId, true);
    this.write(userId, { state: 'closed', until: new Date(this.now() + this.options.closedForMs) });
  }

  /** What this process or the store knows; undefined when nobody knows (ask the platform). */
  async lookup(userId: string): Promise<KnownDirect | undefined> {
    if (this.closed.has(userId)) return { state: 'closed' };
    const channelId = this.open.get(userId);
    if (channelId !== undefined) return { state: 'open', channelId };
    const stored = await this.book?.get(userId).catch((error: unknown) => {
      this.options.logger.warn('direct reach: store read failed; asking the platform', { error: String(error) });
      return undefined;
    });
    if (stored === undefined) return undefined;
    // A refusal's expiry is the store's: past `until` the store reads as unknown.
    if (stored.state === 'closed') return { state: 'closed' };
    // An 'open' row without a channel (written by a platform that has none) says nothing here.
    if (stored.channelId === undefined) return undefined;
    this.open.set(userId, stored.channelId);
    return { state: 'open', channelId: stored.channelId };
  }

  private write(userId: string, reach: Parameters<DirectReachBook['set']>[1]): void {
    void this.book?.set(userId, reach).catch((error: unknown) => {
      this.options.logger.warn('direct reach: store write failed; this instance still remembers it', { error: String(error) });
    });
  }
}
