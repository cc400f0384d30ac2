/**
 * The first call an adapter makes to its platform's API at start (Slack auth.test, Discord
 * GET /gateway/bot), repeated until it answers (issue 17 item 6). Each attempt is cut off after
 * `attemptMs` (under 10 s), so an API root that hangs or refuses connections is named in the
 * log within 10 s instead of leaving the bot silent; then it is retried with jittered backoff
 * that doubles up to a minute. A refusal that retrying cannot fix (a wrong token) ends it.
 */
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface ReachOptions<T> {
  /** Platform name, as the log line says it. */
  platform: string;
  /** The API root being called (never a URL with a token in it). */
  api: string;
  logger: Logger;
  /** One call; `signal` aborts when the attempt times out or the adapter stops. */
  attempt(signal: AbortSignal): Promise<T>;
  /** Maps a failure to a coded error; PLATFORM_AUTH and PLATFORM_PERMISSION end the retries. */
  mapError(error: unknown): BotError;
  /** Aborts the retries when the adapter is stopped while still starting. */
  stopped?: AbortSignal;
  attemptMs?: number;
  firstBackoffMs?: number;
}

/** Cut-off of one attempt: the failure is logged before 10 s have passed. */
export const START_ATTEMPT_MS = 8_000;
const MAX_BACKOFF_MS = 60_000;
const FATAL = new Set(['PLATFORM_AUTH', 'PLATFORM_PERMISSION', 'CONFIG_INVALID']);

export async function reachAtStart<T>(o: ReachOptions<T>): Promise<T> {
  const attemptMs = o.attemptMs ?? START_ATTEMPT_MS;
  let backoffMs = o.firstBackoffMs ?? 1_000;
  for (let attempt = 1; ; attempt++) {
    // Stopped during the backoff: no new call. One started now would be abandoned by withAbort
    // at once, and its late failure (the API is gone by then) would reject with nobody listening.
    if (o.stopped?.aborted) throw new BotError(`${o.platform} stopped while starting`, 'PLATFORM_NETWORK');
    const timeout = AbortSignal.timeout(attemptMs);
    const signal = o.stopped ? AbortSignal.any([timeout, o.stopped]) : timeout;
    try {
      return await withAbort(o.attempt(signal), signal);
    } catch (error) {
      if (o.stopped?.aborted) throw new BotError(`${o.platform} stopped while starting`, 'PLATFORM_NETWORK', { cause: error });
      const mapped = timeout.aborted
        ? new BotError(`${o.platform} API gave no answer within ${attemptMs} ms`, 'PLATFORM_NETWORK', { cause: error })
        : o.mapError(error);
      if (FATAL.has(mapped.code)) throw mapped;
      const wait = backoffMs + Math.floor(Math.random() * backoffMs * 0.2);
      o.logger.error(`${o.platform} API unreachable at start: retrying`, {
        code: mapped.code, api: o.api, attempt, retryInMs: wait, why: mapped.message,
      });
      await sleep(wait, o.stopped);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }
}

/** Rejects when `signal` aborts even if the call ignores it (a client without abort support). */
function withAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined); // given up: its outcome no longer matters, but must not go unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
