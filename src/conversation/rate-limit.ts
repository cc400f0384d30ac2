/**
 * A token bucket per user, so one flooding user cannot starve others or run up model cost.
 * The engine consults it only after the risk screen: a message at risk is never limited.
 */
export interface RateLimitSettings {
  perMinute: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
  /** Whether the user was already told they are being limited in this episode. */
  notified: boolean;
}

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
