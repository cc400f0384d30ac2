/**
 * Long polling by one instance at a time. Telegram serves getUpdates to one poller per token
 * (a second one ends the first with 409 Conflict), so with several instances on one database
 * only the holder of the "telegram-poller" lease polls. It renews the lease while it polls; an
 * instance that dies stops renewing, and another takes the lease once it lapses and polls from
 * Telegram's unconfirmed offset, so nothing confirmed is lost and nothing unconfirmed is skipped.
 */
import type { Logger } from '../../src/logger.js';
import type { Leadership } from '../../src/ports.js';
import { sleep } from '../shared/retry.js';

export interface LeaderPollOptions {
  leadership: Leadership;
  /** How often the lease is renewed by the leader, and tried by the others. */
  renewMs: number;
  /** Polls until its signal aborts. */
  poll(signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
  logger: Logger;
}

export async function pollWhileLeader(o: LeaderPollOptions): Promise<void> {
  const { leadership, logger: log, signal } = o;
  while (!signal.aborted) {
    const leader = await leadership.acquire().catch(() => false);
    if (!leader) {
      await sleep(o.renewMs, signal);
      continue;
    }
    log.info('telegram long polling: this instance holds the poller lease');
    const term = new AbortController();
    const onStop = () => term.abort();
    signal.addEventListener('abort', onStop, { once: true });
    // Renewing fails (another holder, or the database unreachable): stop polling at once, so two
    // instances never poll together; the lease decides who polls next.
    const renew = setInterval(() => {
      void leadership.acquire().catch(() => false).then((still) => {
        if (!still && !term.signal.aborted) {
          log.warn('telegram long polling: the poller lease was lost; polling stopped');
          term.abort();
        }
      });
    }, o.renewMs);
    try {
      await o.poll(term.signal);
    } finally {
      clearInterval(renew);
      signal.removeEventListener('abort', onStop);
    }
    // The poll ended by itself (the token refused): hand the lease over rather than hold it idle.
    if (!term.signal.aborted) {
      await leadership.release().catch(() => undefined);
      return;
    }
  }
  await leadership.release().catch(() => undefined);
}
