/**
 * Telegram answers are at least once: the Bot API has no idempotency key and a bot cannot read
 * a chat back, so an answer the platform took in the instant before a crash is sent again after
 * the restart (the message is not yet marked handled). Every answer between its request and
 * its recorded outcome is one such double in waiting. After a restart the whole backlog was
 * answered at once, and one kill in that burst doubled twenty answers (fault suite, loaded
 * machine). This keeps at most `limit` answers in that state at once; the rest wait their turn
 * before their request leaves, where a crash costs nothing. Crisis resources and the public
 * note never wait. Six at a slow 200 ms round trip to the Bot API still allow 30 messages/s,
 * what Telegram lets a bot send per second anyway.
 */
import type { OutboundKind } from '../../src/messages.js';

const NEVER_WAIT: ReadonlySet<OutboundKind> = new Set(['resources', 'public-note']);

export interface AnswerWindow {
  run<T>(kind: OutboundKind, send: () => Promise<T>): Promise<T>;
  /** Answers whose request is out and whose outcome is not yet known. */
  readonly open: number;
}

export function answerWindow(limit: number): AnswerWindow {
  let open = 0;
  const waiting: Array<() => void> = [];
  return {
    get open() { return open; },
    async run(kind, send) {
      if (NEVER_WAIT.has(kind)) return send();
      // First come, first served: a freed place passes straight to the longest waiter. When a
      // woken waiter had to compete for it again, newcomers took it under a steady stream and
      // an answer could wait through several lives of a bot killed again and again (lost).
      if (open < limit && waiting.length === 0) open++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await send();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else open--;
      }
    },
  };
}
