/**
 * An API transformer that honours Telegram's 429s and rides out short 5xx spells. grammy
 * core does not retry outgoing calls, and the wait comes in the JSON body as
 * parameters.retry_after, in seconds (PLATFORMS.md §4.1). Retrying a 429 cannot double-post:
 * Telegram refused the call. Retries are bounded, and a wait longer than the cap fails fast
 * so the caller's BotError PLATFORM_RATE_LIMITED (with retryAfterMs) reaches the core
 * instead of a handler hanging for minutes.
 *
 * A 5xx (Bad Gateway and friends from Telegram's front end) is retried too, after a short
 * doubling backoff: without it a crisis resource message sent during a brief Bot API outage
 * was lost (the engine does not resend). A 500 could in rare cases mean the message did go
 * out, so a retry may post it twice; for crisis texts a duplicate fails toward safety.
 */
import type { Transformer } from 'grammy';
import type { Logger } from '../../src/logger.js';
import { mayRetryRateLimit, sleep, type RateLimitPolicy } from '../shared/retry.js';

export interface RateLimitOptions extends RateLimitPolicy {
  /** Wait before the first retry of a 5xx; doubles per 5xx. Default 250 ms. */
  serverErrorBackoffMs?: number;
  logger: Logger;
}

/**
 * getUpdates is left alone: grammy's polling loop already waits retry_after on it. Typing
 * indicators are best-effort and renewed every 4 s anyway, so waiting on one is pointless.
 */
const NOT_RETRIED = new Set(['getUpdates', 'sendChatAction']);

export function rateLimitTransformer(options: RateLimitOptions): Transformer {
  return async (prev, method, payload, signal) => {
    let serverErrors = 0;
    for (let attempt = 0; ; attempt++) {
      const result = await prev(method, payload, signal);
      if (result.ok || NOT_RETRIED.has(method)) return result;
      if (result.error_code >= 500) {
        if (attempt >= options.maxRetries) {
          options.logger.warn('telegram server error: giving up', { method, attempt, status: result.error_code });
          return result;
        }
        const waitMs = (options.serverErrorBackoffMs ?? 250) * 2 ** serverErrors++;
        options.logger.warn('telegram server error: retrying', { method, attempt, status: result.error_code, retryInMs: waitMs });
        if (!(await sleep(waitMs, signal as AbortSignal | undefined))) return result;
        continue;
      }
      if (result.error_code !== 429) return result;
      const retryAfter = result.parameters?.retry_after ?? 1;
      if (!mayRetryRateLimit(options, attempt, retryAfter * 1000)) {
        options.logger.warn('telegram rate limit: giving up', { method, attempt, retryAfterSeconds: retryAfter });
        return result;
      }
      options.logger.warn('telegram rate limit: waiting retry_after', { method, attempt, retryAfterSeconds: retryAfter });
      // grammy on Node passes the abort-controller polyfill's signal: same events, other type.
      if (!(await sleep(retryAfter * 1000, signal as AbortSignal | undefined))) return result;
    }
  };
}
