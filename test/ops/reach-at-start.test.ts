/**
 * The first platform call at start, retried until the API answers (src/ops/reach-at-start.ts).
 * The attempt is a plain function the test scripts, so the calls it gets can be counted: a
 * stop during the backoff must end the retries without one more call, because such a call is
 * abandoned at once and its late failure used to surface as an unhandled rejection in
 * whatever test file ran next.
 */
import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { reachAtStart } from '../../src/ops/reach-at-start.js';
import { waitFor } from '../helpers/wait-for.js';

function recordingLogger(lines: string[]): Logger {
  const at = (msg: string) => void lines.push(msg);
  const logger: Logger = { debug: at, info: at, warn: at, error: at, child: () => logger };
  return logger;
}

const unreachable = () => new BotError('connect ECONNREFUSED', 'PLATFORM_NETWORK');

describe('reaching a platform API at start', () => {
  it('makes no further call once the adapter is stopped during the backoff', async () => {
    const lines: string[] = [];
    const stopped = new AbortController();
    let calls = 0;
    const reaching = reachAtStart({
      platform: 'slack', api: 'http://127.0.0.1:9/', logger: recordingLogger(lines), stopped: stopped.signal,
      // A long backoff: the stop lands inside it, never between two calls.
      firstBackoffMs: 60_000,
      attempt: async () => { calls++; throw unreachable(); },
      mapError: (error) => error as BotError,
    });
    reaching.catch(() => undefined);
    await waitFor(() => lines.includes('slack API unreachable at start: retrying'), { what: 'the first failure logged', timeoutMs: 20_000 });
    stopped.abort();
    await expect(reaching).rejects.toMatchObject({ message: 'slack stopped while starting' });
    expect(calls).toBe(1);
  });

  it('retries a refused call and returns the answer once the API answers', async () => {
    const lines: string[] = [];
    let calls = 0;
    const me = await reachAtStart({
      platform: 'discord', api: 'http://127.0.0.1:9/', logger: recordingLogger(lines), firstBackoffMs: 5,
      attempt: async () => {
        calls++;
        if (calls < 3) throw unreachable();
        return 'bot-1';
      },
      mapError: (error) => error as BotError,
    });
    expect(me).toBe('bot-1');
    expect(calls).toBe(3);
    expect(lines.filter((l) => l === 'discord API unreachable at start: retrying')).toHaveLength(2);
  });

  it('gives up at once on a refusal retrying cannot fix', async () => {
    let calls = 0;
    await expect(reachAtStart({
      platform: 'slack', api: 'http://127.0.0.1:9/', logger: recordingLogger([]), firstBackoffMs: 5,
      attempt: async () => { calls++; throw new BotError('invalid_auth', 'PLATFORM_AUTH'); },
      mapError: (error) => error as BotError,
    })).rejects.toMatchObject({ code: 'PLATFORM_AUTH' });
    expect(calls).toBe(1);
  });
});
