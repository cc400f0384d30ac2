/**
 * The hourly retention purge: old conversation turns, dedupe rows past every platform's
 * redelivery window, and resolved cases past the policy's retention. A failed purge is logged
 * with its code and tried again next hour; it never stops the bot.
 */
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { CaseStore } from './case-store.js';
import type { MessageStore } from './store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Longer than every platform's redelivery window (Telegram and Slack: 24 h). */
const DEDUPE_KEEP_MS = 48 * HOUR_MS;

export interface RetentionDeps {
  /** purgeProcessed is the SQLite store's own (dedupe rows); not every store keeps them. */
  store: Pick<MessageStore, 'purgeMessages'> & { purgeProcessed(before: Date): Promise<number> };
  cases: Pick<CaseStore, 'purgeResolved'>;
  /** RETENTION_DAYS: how long conversation turns are kept. */
  messageDays: number;
  /** escalation.yaml case_retention_days: how long resolved cases are kept. */
  caseDays: number;
  clock: Clock;
  logger: Logger;
}

export interface Retention {
  /** Purges now, then every hour, until stop(). */
  start(): void;
  stop(): void;
}

export function createRetention(deps: RetentionDeps): Retention {
  const { store, cases, clock, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  const purge = async () => {
    const now = clock.now().getTime();
    try {
      const messages = await store.purgeMessages(new Date(now - deps.messageDays * DAY_MS));
      const dedupe = await store.purgeProcessed(new Date(now - DEDUPE_KEEP_MS));
      const closed = await cases.purgeResolved(new Date(now - deps.caseDays * DAY_MS));
      logger.info('retention purge done', { messages, dedupe, cases: closed });
    } catch (error) {
      logger.error('retention purge failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' });
    }
  };
  return {
    start() {
      void purge();
      timer = setInterval(() => void purge(), HOUR_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
