/** TELEGRAM_* environment variables → adapter config, with one-line errors naming the variable. */
import { describe, expect, it } from 'vitest';
import { telegramConfigFromEnv } from '../../adapters/telegram/config.js';
import { BotError } from '../../src/errors.js';

const token = '123456789:AAHfakeTokenForTestsOnly_abcdefghijk';

function errorOf(env: Record<string, string>): BotError {
  try {
    telegramConfigFromEnv(env);
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('telegram config', () => {
  it('is off when TELEGRAM_BOT_TOKEN is unset or empty', () => {
    expect(telegramConfigFromEnv({})).toBeUndefined();
    expect(telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: '  ' })).toBeUndefined();
  });

  it('defaults to long polling against api.telegram.org', () => {
    expect(telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: token })).toMatchObject({
      token, apiRoot: undefined, webhook: undefined, moderatorChatId: undefined, pollTimeoutSeconds: 30,
    });
  });

  it('drops a trailing slash from TELEGRAM_API_ROOT, which grammy would reject', () => {
    expect(telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' })?.apiRoot).toBe('http://127.0.0.1:8081');
  });

  it('switches to webhook mode with port, secret and body cap', () => {
    const config = telegramConfigFromEnv({
      TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg', TELEGRAM_WEBHOOK_PORT: '8088', TELEGRAM_WEBHOOK_SECRET: 's3cret_-X',
    });
    expect(config?.webhook).toEqual({ url: 'https://bot.example.org/tg', port: 8088, host: '0.0.0.0', secret: 's3cret_-X', maxBodyBytes: 1_048_576 });
  });

  it('refuses webhook mode without a secret, since updates could then be forged', () => {
    const e = errorOf({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg' });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^TELEGRAM_WEBHOOK_SECRET is missing/);
  });

  it('names the variable and the expected shape for wrong values, never echoing the token', () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: 'not-a-token' }).message).toMatch(/^TELEGRAM_BOT_TOKEN is invalid/);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: 'not-a-token' }).message).not.toContain('not-a-token');
    expect(errorOf({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://x.org/h', TELEGRAM_WEBHOOK_SECRET: 'has space' }).message)
      .toMatch(/^TELEGRAM_WEBHOOK_SECRET is invalid/);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://x.org/h', TELEGRAM_WEBHOOK_SECRET: 'ok', TELEGRAM_WEBHOOK_PORT: '70000' }).message)
      .toMatch(/^TELEGRAM_WEBHOOK_PORT is invalid/);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: 'ftp://x' }).message).toMatch(/^TELEGRAM_API_ROOT is invalid/);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODERATOR_CHAT_ID: '@staff' }).message).toMatch(/^TELEGRAM_MODERATOR_CHAT_ID is invalid/);
  });

  it('reads the moderator chat and optional topic', () => {
    expect(telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODERATOR_CHAT_ID: '-1009876543210', TELEGRAM_MODERATOR_THREAD_ID: '5' }))
      .toMatchObject({ moderatorChatId: '-1009876543210', moderatorThreadId: '5' });
  });
});
