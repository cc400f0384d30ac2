/**
 * Live updates: while at least one browser listens, the read model's change mark is polled
 * (every 500 ms by default, so a change shows within the 2 s including the page's own
 * fetch) and every listener is told when it moves. Polling the store rather than hooking the
 * core means changes from anywhere show up: another platform's button, the CLI, another process.
 */
import type { Logger } from '../logger.js';

export interface ChangeHub {
  /**
   * Calls `listener` after each change from now on; resolves, once the current state is the
   * baseline, with the function that stops listening. A page that fetches its content after
   * this resolves misses nothing: anything later is a change.
   */
  subscribe(listener: () => void): Promise<() => void>;
  readonly listeners: number;
  stop(): void;
}

export function createChangeHub(read: () => Promise<string>, logger: Logger, intervalMs = 500): ChangeHub {
  const listeners = new Set<() => void>();
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = async () => {
    timer = undefined;
    try {
      const mark = await read();
      if (last !== undefined && mark !== last) for (const l of [...listeners]) l();
      last = mark;
    } catch (error) {
      logger.warn('dashboard change check failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' });
    }
    schedule();
  };
  const schedule = () => {
    if (stopped || listeners.size === 0 || timer) return;
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };

  return {
    async subscribe(listener) {
      if (last === undefined) {
        try {
          last = await read();
        } catch {
          // The next tick reports the failure; the listener then starts from that tick's mark.
        }
      }
      listeners.add(listener);
      schedule();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          if (timer) clearTimeout(timer);
          timer = undefined;
          // Nobody watched in between: the next listener starts from a fresh mark.
          last = undefined;
        }
      };
    },
    get listeners() {
      return listeners.size;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      listeners.clear();
    },
  };
}
