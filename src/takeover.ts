/**
 * Several instances on PostgreSQL: a survivor takes over the unfinished messages of an instance
 * whose heartbeat lease lapsed, instead of leaving them (and that person's later messages)
 * until it restarts. claimUnfinished never hands out messages a live instance is handling, so a
 * pass is safe at any time; one instance on SQLite needs none (its own start resumes them).
 */
import type { Engine } from './engine.js';
import type { PlatformAdapter } from './ports.js';

/** How often an instance on PostgreSQL looks for dead instances' unfinished messages. */
const TAKEOVER_INTERVAL_MS = 5_000;

export interface TakeoverDeps {
  engine: Pick<Engine, 'resume'>;
  adapters: readonly PlatformAdapter[];
  /** Which adapters have started: only they can answer what is taken over. */
  adapterStatus(): Array<{ platform: string; started: boolean }>;
  /** Off for SQLite. */
  enabled: boolean;
}

export interface Takeover {
  start(): void;
  stop(): void;
}

export function createTakeover(deps: TakeoverDeps): Takeover {
  let timer: NodeJS.Timeout | undefined;
  const pass = (): void => {
    for (const { platform, started } of deps.adapterStatus()) {
      const adapter = deps.adapters.find((a) => a.platform === platform);
      if (started && adapter) void deps.engine.resume(platform, adapter).catch(() => undefined);
    }
  };
  return {
    start() {
      if (!deps.enabled || timer) return;
      timer = setInterval(pass, TAKEOVER_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
