/**
 * The start/send/stop skeleton every adapter shares: background work the adapter owes the
 * platform (a message handled after its acknowledgement) is tracked so stop() can wait for it
 * within a bound, and "typing…" indicators are renewed on a timer that stop() always clears, so
 * a forgotten stop function never keeps a chat typing or the process alive.
 */
import { sleep } from './retry.js';

/** Background work in flight, for a bounded drain at stop(). */
export class InFlight {
  private readonly tasks = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles; a rejection is the caller's to log (pass `onError`). */
  track(work: Promise<unknown>, onError?: (error: unknown) => void): void {
    const task = onError ? work.catch(onError) : work;
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task)).catch(() => undefined);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Waits until every tracked task settled, or `maxMs` passed, whichever comes first. */
  async drain(maxMs: number): Promise<void> {
    if (this.tasks.size === 0) return;
    const done = new AbortController();
    await Promise.race([Promise.allSettled([...this.tasks]), sleep(maxMs, done.signal)]);
    done.abort();
  }
}

/** "typing…" indicators: one renewing timer per call, each with a cap, all cleared by stopAll(). */
export class TypingTimers {
  private readonly stops = new Set<() => void>();

  /**
   * Calls `tick` now and every `intervalMs` until the returned function is called, or `maxMs`
   * passed (a forgotten stop must not keep a chat typing forever). `tick` must not throw.
   */
  start(tick: () => void, intervalMs: number, maxMs = Number.POSITIVE_INFINITY): () => void {
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    const cap = Number.isFinite(maxMs) ? setTimeout(() => stop(), maxMs) : undefined;
    cap?.unref();
    const stop = () => {
      clearInterval(timer);
      if (cap) clearTimeout(cap);
      this.stops.delete(stop);
    };
    this.stops.add(stop);
    return stop;
  }

  stopAll(): void {
    for (const stop of [...this.stops]) stop();
  }
}
