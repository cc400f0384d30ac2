/**
 * The start of one platform connection: a deadline that names what it waited for, retries
 * with backoff in the background, and a stop for refusals that retrying cannot fix. The
 * adapter is a small hand-written PlatformAdapter whose start() the test controls.
 */
import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { startPlatform } from '../../src/platform-start.js';
import type { BotHandlers, PlatformAdapter } from '../../src/ports.js';
import { waitFor } from '../helpers/wait-for.js';

interface Line { level: string; msg: string; fields: Record<string, unknown> | undefined }

function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

/** start() resolves or rejects as the test says, attempt by attempt. */
function scriptedAdapter(attempts: Array<() => Promise<void>>): PlatformAdapter & { calls: number } {
  const adapter = {
    platform: 'telegram',
    calls: 0,
    start: () => attempts[Math.min(adapter.calls++, attempts.length - 1)]!(),
    send: async () => ({ id: '1' }),
    openDirect: async () => undefined,
    stop: async () => undefined,
  };
  return adapter;
}

const handlers = {} as BotHandlers;
const refused = () => Promise.reject(new BotError('connect ECONNREFUSED', 'PLATFORM_NETWORK'));

describe('starting a platform connection', () => {
  it('reports started when the platform answers within the deadline', async () => {
    let started = 0;
    const result = await startPlatform({
      adapter: scriptedAdapter([async () => undefined]), handlers, target: 'the API', deadlineMs: 5_000,
      logger: recordingLogger([]), onStarted: async () => void started++, signal: new AbortController().signal,
    });
    expect(result).toBe('started');
    expect(started).toBe(1);
  });

  it('names what it waited for at the deadline and connects later in the background', async () => {
    const lines: Line[] = [];
    let connect!: () => void;
    const late = new Promise<void>((r) => (connect = r));
    let started = 0;
    const result = await startPlatform({
      adapter: scriptedAdapter([() => late]), handlers, target: 'the Telegram Bot API at http://127.0.0.1:9 (getMe)', deadlineMs: 50,
      logger: recordingLogger(lines), onStarted: async () => void started++, signal: new AbortController().signal,
    });
    expect(result).toBe('pending');
    expect(started).toBe(0);
    expect(lines.find((l) => l.level === 'error')?.msg).toBe(
      'telegram: no connection after 50 ms, waiting for the Telegram Bot API at http://127.0.0.1:9 (getMe); still trying in the background');
    connect();
    await waitFor(() => started === 1, { what: 'the late connection' });
  });

  it('retries a failed connection with growing waits until it connects', async () => {
    const lines: Line[] = [];
    const adapter = scriptedAdapter([refused, refused, refused, async () => undefined]);
    let started = 0;
    expect(await startPlatform({
      adapter, handlers, target: 'the API', deadlineMs: 5_000, retryMs: 5,
      logger: recordingLogger(lines), onStarted: async () => void started++, signal: new AbortController().signal,
    })).toBe('pending');
    await waitFor(() => started === 1, { what: 'the fourth attempt' });
    expect(adapter.calls).toBe(4);
    const waits = lines.filter((l) => l.msg.includes('retrying')).map((l) => l.fields!.retryInMs as number);
    expect(waits).toHaveLength(3);
    expect(waits[2]!).toBeGreaterThan(waits[0]!);
  });

  it('stops the start on a refused token instead of retrying it', async () => {
    const adapter = scriptedAdapter([() => Promise.reject(new BotError('Telegram rejected TELEGRAM_BOT_TOKEN', 'PLATFORM_AUTH'))]);
    await expect(startPlatform({
      adapter, handlers, target: 'the API', deadlineMs: 5_000,
      logger: recordingLogger([]), onStarted: async () => undefined, signal: new AbortController().signal,
    })).rejects.toMatchObject({ code: 'PLATFORM_AUTH', message: 'telegram: Telegram rejected TELEGRAM_BOT_TOKEN' });
    expect(adapter.calls).toBe(1);
  });
});
