/**
 * An API transformer that honours Telegram's 429s. grammy core does not retry outgoing
 * calls, and the wait comes in the JSON body as parameters.retry_after, in seconds
 * (PLATFORMS.md §4.1). Retrying a 429 cannot double-post: Telegram refused the call.
 * Retries are bounded, and a wait longer than the cap fails fast so the caller's
 * BotError PLATFORM_RATE_LIMITED (with retryAfterMs) reaches the core instead of a
 * handler hanging for minutes.
 */
import type { Transformer } from 'grammy';
import type { Logger } from '../../src/logger.js';

export interface RateLimitOptions {
  maxRetries: number;
  maxRetryAfterSeconds: number;
  logger: Logger;
}

/**
 * getUpdates is left alone: grammy's polling loop already waits retry_after on it. Typing
 * indicators are best-effort and renewed every 4 s anyway, so waiting on one is pointless.
 */
const NOT_RETRIED = new Set(['getUpdates', 'sendChatAction']);

/** Resolves after `ms`, or early (false) when the signal aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function rateLimitTransformer(options: RateLimitOptions): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      const result = await prev(method, payload, signal);
      if (result.ok || result.error_code !== 429 || NOT_RETRIED.has(method)) return result;
      const retryAfter = result.parameters?.retry_after ?? 1;
      if (attempt >= options.maxRetries || retryAfter > options.maxRetryAfterSeconds) {
        options.logger.warn('telegram rate limit: giving up', { method, attempt, retryAfterSeconds: retryAfter });
        return result;
      }
      options.logger.warn('telegram rate limit: waiting retry_after', { method, attempt, retryAfterSeconds: retryAfter });
      // grammy on Node passes the abort-controller polyfill's signal: same events, other type.
      if (!(await pause(retryAfter * 1000, signal as AbortSignal | undefined))) return result;
    }
  };
}
