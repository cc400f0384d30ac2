/**
 * Starting and stopping a built bot, in the order that keeps people safe: alerts a previous
 * run left undelivered go out before any platform connects, and on the way down intake stops
 * first, in-flight messages finish, the outbox drains, and the database closes last.
 */
import type { Dashboard } from './dashboard/index.js';
import type { Engine } from './engine.js';
import type { Logger } from './logger.js';
import { connectionTarget, startPlatform } from './platform-start.js';
import type { BotHandlers, PlatformAdapter } from './ports.js';
import type { OutboxWorker } from './crisis/outbox.js';
import type { Retention } from './store/retention.js';

export interface LifecycleDeps {
  adapters: PlatformAdapter[];
  handlersFor(adapter: PlatformAdapter): BotHandlers;
  engine: Engine;
  outbox: OutboxWorker;
  /** The crisis resource retry worker: started once the adapters can send, stopped before the store closes. */
  deliveries?: { recover(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
  dashboard: Dashboard | undefined;
  retention: Retention;
  /** Compiles the crisis path; runs before the first platform connects. */
  warmUp(): void;
  /**
   * Run warmUp after start instead, once no message is being handled: for the console chat
   * alone, which has no acknowledgement deadline and whose first line (a person typing, or a
   * piped script) should not wait about a second for it. A message that comes first compiles
   * only the screen's parts it needs (a crisis message: about 0.15 s).
   */
  warmUpWhenIdle?: boolean;
  /** Closes the store (and its checkpoint timer): the very last step of stop(). */
  closeStore(): Promise<void>;
  connectTimeoutMs: number;
  logger: Logger;
}

export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Each adapter and whether its start() has finished (and stop() not begun): /readyz. */
  adapterStatus(): Array<{ platform: string; started: boolean }>;
}

/** How often a deferred warm-up looks whether the engine is idle. */
const IDLE_POLL_MS = 100;

export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  const { adapters, engine, outbox, dashboard, logger } = deps;
  let stopped = false;
  const stopping = new AbortController();
  const started = new Set<PlatformAdapter>();
  let idleTimer: NodeJS.Timeout | undefined;
  /** Polls until no message is in flight, then warms once; never keeps the process alive. */
  const warmUpWhenIdle = () => {
    idleTimer = setTimeout(() => {
      if (engine.busy) warmUpWhenIdle();
      else deps.warmUp();
    }, IDLE_POLL_MS);
    idleTimer.unref();
  };
  return {
    async start() {
      // Alerts left undelivered by a previous run go out first (the crash-resume path).
      await outbox.start();
      // Before any adapter starts: later, releasing a dead run's claims released this run's too.
      await deps.deliveries?.recover();
      await dashboard?.start();
      // Compile the crisis path now: the first screen otherwise blocks for 0.5-1 s, which must
      // not eat into a platform's acknowledgement window (Slack: 3 s) on the first message.
      if (!deps.warmUpWhenIdle) deps.warmUp();
      for (const adapter of adapters) {
        // A platform that does not connect within the deadline is named and keeps trying in
        // the background; the others start meanwhile (src/platform-start.ts).
        await startPlatform({
          adapter, handlers: deps.handlersFor(adapter), target: connectionTarget(adapter), deadlineMs: deps.connectTimeoutMs,
          logger, signal: stopping.signal,
          onStarted: async () => {
            if (stopped) return;
            started.add(adapter);
            logger.info('adapter started', { platform: adapter.platform });
            // Messages a previous run recorded but never finished are handled now, not on a
            // redelivery that may never come (Discord has none; Telegram and Slack were acked).
            await engine.resume(adapter.platform, adapter).catch((error: unknown) =>
              logger.error('could not resume unfinished messages', { code: (error as { code?: string }).code ?? 'UNKNOWN', platform: adapter.platform }));
          },
        });
      }
      // Resources a previous run could not deliver are retried now that the adapters are up.
      await deps.deliveries?.start();
      deps.retention.start();
      if (deps.warmUpWhenIdle) warmUpWhenIdle();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(idleTimer);
      stopping.abort();
      started.clear();
      deps.retention.stop();
      await dashboard?.stop();
      await Promise.allSettled(adapters.map((a) => a.stop()));
      await engine.idle();
      await deps.deliveries?.stop();
      await outbox.drainOnce().catch(() => undefined);
      await outbox.stop();
      await deps.closeStore();
    },
    adapterStatus: () => adapters.map((a) => ({ platform: a.platform, started: started.has(a) })),
  };
}
