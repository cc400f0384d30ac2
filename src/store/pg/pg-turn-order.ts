/**
 * Per-person order across instances. One process keeps a person's messages in order with its
 * in-memory queue; behind a load balancer the person's next message may reach another instance
 * while the first is still with the model. Before handling a message, an instance waits until
 * every earlier delivery of that person is complete (PgMessageStore.isNextForUser), so replies
 * go out, and context is read, in the order the messages arrived. A dead instance's messages
 * are taken over by a survivor once its heartbeat lease lapses, and handled first.
 */
import type { PgMessageStore } from './pg-message-store.js';

export interface TurnOrder {
  /** Resolves when `messageId` is this person's oldest unfinished message (or after `maxWaitMs`). */
  waitTurn(platform: string, messageId: string): Promise<{ waitedMs: number; timedOut: boolean }>;
}

export function createTurnOrder(messages: PgMessageStore, options: { maxWaitMs?: number } = {}): TurnOrder {
  // Longer than one model answer with its retries: past it, answering late beats never answering.
  const maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
  return {
    async waitTurn(platform, messageId) {
      const started = Date.now();
      let pause = 25;
      while (!(await messages.isNextForUser(platform, messageId))) {
        if (Date.now() - started >= maxWaitMs) return { waitedMs: Date.now() - started, timedOut: true };
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 400);
      }
      return { waitedMs: Date.now() - started, timedOut: false };
    },
  };
}
