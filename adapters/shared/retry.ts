/**
 * Waiting and retry rules every adapter shares. Each platform says how long to wait after a
 * 429 in its own way (Telegram: parameters.retry_after in the JSON body; Slack: Retry-After;
 * Discord: the REST client's bucket), but the rule for our side is one: retry a refused call a
 * bounded number of times, and only while the wait is short enough for a chat reply. A longer
 * wait fails fast with PLATFORM_RATE_LIMITED (carrying retryAfterMs) so the core or the alert
 * outbox decides, instead of a handler hanging for minutes.
 */

/** How many times, and how long at most, a rate-limited call is retried. */
export interface RateLimitPolicy {
  maxRetries: number;
  maxRetryAfterSeconds: number;
}

/** True when attempt number `attempt` (0 for the first call) may be retried after `retryAfterMs`. */
export function mayRetryRateLimit(policy: RateLimitPolicy, attempt: number, retryAfterMs: number): boolean {
  return attempt < policy.maxRetries && retryAfterMs <= policy.maxRetryAfterSeconds * 1000;
}

/**
 * Resolves true after `ms`, or false at once when `signal` aborts (stop() must not wait out a
 * backoff). The timer does not keep the process alive on its own.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
