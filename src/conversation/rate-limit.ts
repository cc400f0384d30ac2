/**
 * A token bucket per user, so one flooding user cannot starve others or run up model cost.
 * The engine consults it only after the risk screen: a message at risk is never limited.
 *
 * The bot's own limiter keeps its buckets in the store (storeRateLimit), so several instances
 * share one bucket per person and a restart does not refill them. RateLimiter, in memory, is
 * for limits that guard one process's own door (the dashboard's sign-in attempts).
 */
import type { RateVerdict, SharedStateStore } from '../store/shared-state.js';

export interface RateLimitSettings {
  perMinute: number;
  burst: number;
}

/** What the engine asks before answering: one token of this person's bucket. */
export interface RateLimit {
  take(key: string, nowMs: number): Promise<RateVerdict>;
}

/** The bot's limiter: buckets in the store, shared by every instance (SharedStateStore). */
export function storeRateLimit(store: Pick<SharedStateStore, 'takeRateToken'>, settings: RateLimitSettings): RateLimit {
  return { take: (key, nowMs) => store.takeRateToken(key, new Date(nowMs), settings) };
}

interface Bucket {
  tokens: number;
  updatedMs: number;
  /** Whether the user was already told they are being limited in this episode. */
  notified: boolean;
}

/**
 * In-memory buckets for one process. Losing them (a restart) only resets a limit, and with
 * several instances each enforces its own share; use it only where that is safe (see its users).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(private readonly settings: RateLimitSettings) {
    this.refillPerMs = settings.perMinute / 60_000;
  }

  /**
   * Takes one token. `allowed` is false when the bucket is empty; `notify` is true only for
   * the first refusal of an episode, so the friendly notice is not itself a flood.
   */
  take(key: string, nowMs: number): { allowed: boolean; notify: boolean } {
    const b = this.buckets.get(key) ?? { tokens: this.settings.burst, updatedMs: nowMs, notified: false };
    b.tokens = Math.min(this.settings.burst, b.tokens + (nowMs - b.updatedMs) * this.refillPerMs);
    b.updatedMs = nowMs;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.notified = false;
      this.prune(nowMs);
      return { allowed: true, notify: false };
    }
    const notify = !b.notified;
    b.notified = true;
    return { allowed: false, notify };
  }

  /** Forget full buckets now and then, so memory stays bounded by active users. */
  private prune(nowMs: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (nowMs - b.updatedMs) * this.refillPerMs >= this.settings.burst) this.buckets.delete(key);
    }
  }
}
