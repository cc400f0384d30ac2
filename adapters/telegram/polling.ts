/**
 * Long polling that confirms an update to Telegram only after the bot has taken it.
 *
 * Telegram drops every update below the `offset` of the next getUpdates call, so the offset
 * is the acknowledgement. grammY's bot.start (and @grammyjs/runner) advance it as soon as the
 * middleware has queued the work; a crash then loses everything in flight. Here each update is
 * handed to `take`, which resolves once a message's intake row has committed, and only then
 * does the offset move past it. A crash mid-batch leaves the rest unconfirmed: Telegram
 * delivers them again, and the store's dedupe drops the ones already recorded.
 */
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../src/logger.js';
import { sleep } from '../shared/retry.js';
import { isConflict, isUnauthorized, mapTelegramError } from './errors.js';

export interface PollOptions {
  api: Api;
  /** Resolves once the update is durably taken (a message recorded); must not reject. */
  take(update: Update): Promise<void>;
  timeoutSeconds: number;
  allowedUpdates: readonly string[];
  /** First backoff after a failed getUpdates; doubles up to a minute. */
  retryMs: number;
  logger: Logger;
  signal: AbortSignal;
}

/** Updates per getUpdates call: Telegram's maximum. */
const BATCH = 100;
const MAX_BACKOFF_MS = 60_000;

/** Polls until `signal` aborts or the token is refused; then confirms what was taken. */
export async function pollUpdates(o: PollOptions): Promise<void> {
  const { api, logger: log, signal } = o;
  let offset: number | undefined;
  let backoffMs = o.retryMs;
  let cleared = false;
  // grammY types its signals with the abort-controller shim; the platform's is the same at run time.
  const abort = signal as unknown as Parameters<Api['getMe']>[0];
  type GetUpdates = NonNullable<Parameters<Api['getUpdates']>[0]>;
  while (!signal.aborted) {
    let updates: Update[];
    try {
      // A webhook and getUpdates exclude each other: clear it once, as bot.start would.
      if (!cleared) {
        await api.deleteWebhook({ drop_pending_updates: false }, abort);
        cleared = true;
      }
      const request: GetUpdates = {
        limit: BATCH, timeout: o.timeoutSeconds, allowed_updates: [...o.allowedUpdates] as NonNullable<GetUpdates['allowed_updates']>,
      };
      if (offset !== undefined) request.offset = offset;
      updates = await api.getUpdates(request, abort);
      backoffMs = o.retryMs;
    } catch (error) {
      if (signal.aborted) break;
      if (isUnauthorized(error)) {
        log.error('telegram rejected the bot token; polling stopped. Check TELEGRAM_BOT_TOKEN', { code: 'PLATFORM_AUTH' });
        return;
      }
      const wait = backoffMs + Math.floor(Math.random() * backoffMs * 0.2);
      if (isConflict(error)) {
        log.error('telegram getUpdates conflict (409): another instance is polling with this token, or a webhook is set', { retryInMs: wait });
      } else {
        log.error('telegram polling failed', { code: mapTelegramError(error).code, retryInMs: wait });
      }
      await sleep(wait, signal);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      continue;
    }
    for (const update of updates) {
      await o.take(update);
      // Confirmed to Telegram by the next getUpdates call, never before the take resolved.
      offset = update.update_id + 1;
    }
  }
  if (offset === undefined) return;
  try {
    await api.getUpdates({ offset, limit: 1, timeout: 0 });
  } catch (error) {
    // Harmless: the updates come again at next start and the store drops them as duplicates.
    log.warn('telegram stop: could not confirm the update offset', { code: mapTelegramError(error).code });
  }
}
