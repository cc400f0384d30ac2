/**
 * Per-person order across instances. One process keeps a person's messages in order with its
 * in-memory queue; behind a load balancer the person's next message may reach another instance
 * while the first is still with the model. Before handling a message, an instance waits until
 * every earlier delivery of that person is complete (PgMessageStore.nextForUser), so replies
 * go out, and context is read, in the order the messages arrived. A dead instance's messages
 * are taken over by a survivor once its heartbeat lease lapses, and handled first.
 *
 * Waiting does not poll the database in a tight loop: completing a delivery notifies the
 * person's key (PgMessageStore, channel oyster_turns), and a waiter checks again when its
 * person's key is notified, or after FALLBACK_MS for what no notification announces (a takeover,
 * a notification lost while the listening connection was down). Under load, hundreds of
 * waiting messages would otherwise hold the pool with their polls and starve the real work.
 */
import type { PgMessageStore } from './pg-message-store.js';

export interface TurnOrder {
  /** Resolves when `messageId` is this person's oldest unfinished message (or after `maxWaitMs`). */
  waitTurn(platform: string, messageId: string): Promise<{ waitedMs: number; timedOut: boolean }>;
  /**
   * After a failed handling: gives the delivery up, so the next takeover pass (any instance,
   * this one included) handles it again. Its owner is alive, so nothing else would, and the
   * person's later messages would wait for it until this instance restarted.
   */
  release(platform: string, messageId: string): Promise<void>;
}

/**
 * Wakes waiting messages when their person's key is notified (the oyster_turns notifications,
 * pg-listen.ts). Only the person's earliest waiting message here is woken: a later one cannot
 * be next while that earlier one is unfinished, so waking it too would only cost a query (with
 * many messages of one person waiting, every completion would wake them all).
 */
export class TurnBell {
  private readonly waiting = new Map<string, Array<{ order: string; wake: () => void }>>();

  ring(userKey: string): void {
    const list = this.waiting.get(userKey);
    if (!list || list.length === 0) return;
    list.shift()!.wake();
    if (list.length === 0) this.waiting.delete(userKey);
  }

  /** Resolves at a ring for `userKey` that finds this waiter earliest (by `order`), or after `ms`. */
  wait(userKey: string, order: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let list = this.waiting.get(userKey);
      if (!list) this.waiting.set(userKey, (list = []));
      const entry = {
        order,
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const at = list!.indexOf(entry);
        if (at >= 0) list!.splice(at, 1);
        if (list!.length === 0 && this.waiting.get(userKey) === list) this.waiting.delete(userKey);
        resolve();
      }, ms);
      const before = list.findIndex((e) => e.order > order);
      list.splice(before === -1 ? list.length : before, 0, entry);
    });
  }
}

/** Without a notification, a waiter checks again after this long. */
const FALLBACK_MS = 2_000;

export function createTurnOrder(messages: PgMessageStore, options: { maxWaitMs?: number; bell?: TurnBell; fallbackMs?: number } = {}): TurnOrder {
  // Longer than one model answer with its retries: past it, answering late beats never answering.
  const maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
  const fallbackMs = options.fallbackMs ?? FALLBACK_MS;
  const bell = options.bell;
  return {
    async waitTurn(platform, messageId) {
      const started = Date.now();
      let pause = 25;
      for (;;) {
        const { next, userKey, order } = await messages.nextForUser(platform, messageId);
        if (next) return { waitedMs: Date.now() - started, timedOut: false };
        const left = maxWaitMs - (Date.now() - started);
        if (left <= 0) return { waitedMs: Date.now() - started, timedOut: true };
        if (bell && userKey !== undefined) {
          // Registered before the re-check, so a completion between the two is not missed.
          const rung = bell.wait(userKey, order, Math.min(fallbackMs, left));
          if ((await messages.nextForUser(platform, messageId)).next) return { waitedMs: Date.now() - started, timedOut: false };
          await rung;
        } else {
          await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
          pause = Math.min(pause * 2, 400);
        }
      }
    },
    release: (platform, messageId) => messages.releaseInbound(platform, messageId),
  };
}
