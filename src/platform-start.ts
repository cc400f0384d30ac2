/**
 * Starting one platform adapter without ever hanging silently.
 *
 * Each connection gets a deadline (OYSTER_CONNECT_TIMEOUT_MS, 10 s by default). When the
 * platform has not answered by then, one error line names what start waited for (the API
 * root, the gateway) and the bot carries on with its other platforms while this one keeps
 * trying in the background. A connection that fails outright is retried with backoff (1 s
 * doubling to a minute, with jitter). Only a refusal the operator must fix (a wrong token, a
 * missing permission, a port in use) stops the start, with that one line.
 */
import { BotError } from './errors.js';
import type { Logger } from './logger.js';
import type { BotHandlers, PlatformAdapter } from './ports.js';

export interface PlatformStartOptions {
  adapter: PlatformAdapter;
  handlers: BotHandlers;
  /** What the connection waits for, in words: "the Telegram Bot API at https://api.telegram.org". */
  target: string;
  deadlineMs: number;
  logger: Logger;
  /** Runs once the adapter is connected (marks it ready, resumes unfinished messages). */
  onStarted(): Promise<void>;
  /** Aborted when the bot stops: background retries end. */
  signal: AbortSignal;
  /** First retry delay (tests pass a short one). */
  retryMs?: number;
}

const targets = new WeakMap<PlatformAdapter, string>();

/** Records what an adapter's start waits for, in words, for the deadline message. */
export function describeConnection<A extends PlatformAdapter>(adapter: A, target: string): A {
  targets.set(adapter, target);
  return adapter;
}

export function connectionTarget(adapter: PlatformAdapter): string {
  return targets.get(adapter) ?? `the ${adapter.platform} API`;
}

const MAX_BACKOFF_MS = 60_000;
const FATAL_CODES = new Set(['CONFIG_INVALID', 'PLATFORM_AUTH', 'PLATFORM_PERMISSION']);
const FATAL_SYSTEM_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL']);

/** Retrying cannot fix these: a wrong token, a missing scope, a port we cannot bind. */
export function isFatalStartError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  return (typeof code === 'string' && (FATAL_CODES.has(code) || FATAL_SYSTEM_CODES.has(code)))
    || (typeof cause === 'string' && FATAL_SYSTEM_CODES.has(cause));
}

const codeOf = (error: unknown) => (error as { code?: unknown }).code ?? 'UNKNOWN';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Resolves 'started' when the adapter connected within the deadline, 'pending' when it is
 * still trying in the background; rejects only with an error retrying cannot fix.
 */
export async function startPlatform(o: PlatformStartOptions): Promise<'started' | 'pending'> {
  const { adapter, logger: log } = o;
  const platform = adapter.platform;
  const first = adapter.start(o.handlers);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => { timer = setTimeout(() => resolve('deadline'), o.deadlineMs); });
  let outcome: 'started' | 'deadline' | { error: unknown };
  try {
    outcome = await Promise.race([first.then(() => 'started' as const, (error: unknown) => ({ error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
  if (outcome === 'started') {
    await o.onStarted();
    return 'started';
  }
  if (outcome === 'deadline') {
    const waited = o.deadlineMs >= 1_000 ? `${Math.round(o.deadlineMs / 1_000)} s` : `${o.deadlineMs} ms`;
    log.error(`${platform}: no connection after ${waited}, waiting for ${o.target}; still trying in the background`, {
      code: 'PLATFORM_NETWORK', platform, waitedMs: o.deadlineMs,
    });
    void first.then(
      () => background(o, undefined),
      (error: unknown) => background(o, error),
    );
    return 'pending';
  }
  if (isFatalStartError(outcome.error)) {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const code = codeOf(outcome.error);
    // A port in use or not ours to bind is the operator's to change, like a wrong token.
    throw new BotError(`${platform}: ${message}`, typeof code === 'string' && FATAL_CODES.has(code) ? (code as BotError['code']) : 'CONFIG_INVALID', { cause: outcome.error });
  }
  void background(o, outcome.error);
  return 'pending';
}

/** After the deadline: finish the first attempt's work, or retry with backoff until connected. */
async function background(o: PlatformStartOptions, error: unknown): Promise<void> {
  const { adapter, logger: log, signal } = o;
  const platform = adapter.platform;
  let backoffMs = o.retryMs ?? 1_000;
  let failure = error;
  for (let attempt = 2; failure !== undefined; attempt++) {
    if (signal.aborted) return;
    if (isFatalStartError(failure)) {
      log.error(`${platform}: connection refused for good; not retrying`, { code: codeOf(failure), platform, target: o.target });
      return;
    }
    const wait = backoffMs + Math.floor(Math.random() * backoffMs * 0.2);
    log.error(`${platform}: could not connect to ${o.target}; retrying`, { code: codeOf(failure), platform, attempt, retryInMs: wait });
    await sleep(wait, signal);
    if (signal.aborted) return;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    failure = await adapter.start(o.handlers).then(() => undefined, (e: unknown) => e ?? new Error('start failed'));
  }
  if (signal.aborted) return;
  log.info(`${platform}: connected to ${o.target}`, { platform });
  await o.onStarted().catch((e: unknown) => log.error('platform start follow-up failed', { code: codeOf(e), platform }));
}
