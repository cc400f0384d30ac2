/**
 * Telegram settings from the environment. The adapter is off unless TELEGRAM_BOT_TOKEN is
 * set; every other variable is optional. A wrong value stops startup with one line naming
 * the variable and what it expects (never echoing a secret).
 */
import { httpUrl, invalid, matching, port, read, type Env } from '../shared/env.js';

export interface TelegramWebhookConfig {
  /** Public HTTPS URL Telegram posts to (registered with setWebhook). */
  url: string;
  /** Local port the webhook server listens on (a reverse proxy usually sits in front). */
  port: number;
  /** Local bind address. */
  host: string;
  /** Checked against X-Telegram-Bot-Api-Secret-Token on every request. */
  secret: string;
  /** Bodies larger than this are refused with 413. A real Update is a few KB. */
  maxBodyBytes: number;
}

export interface TelegramAdapterConfig {
  token: string;
  /** Bot API server root without a trailing slash; undefined means api.telegram.org. */
  apiRoot: string | undefined;
  /** Set: webhook mode. Unset: long polling. */
  webhook: TelegramWebhookConfig | undefined;
  /** The staff group alerts go to; undefined disables the moderator sink. */
  moderatorChatId: string | undefined;
  /** A forum topic inside the moderator chat, if alerts belong in one. */
  moderatorThreadId: string | undefined;
  /** getUpdates long-poll timeout in seconds (Telegram allows up to 50). */
  pollTimeoutSeconds: number;
  /** Retries of a call Telegram answered with 429, each after its retry_after. */
  maxRateLimitRetries: number;
  /** A 429 asking for a longer wait than this fails fast with PLATFORM_RATE_LIMITED instead. */
  maxRetryAfterSeconds: number;
  /** Typing lasts about 5 s on Telegram, so it is renewed every 4 s (PLATFORMS.md §4.1). */
  typingRenewMs: number;
  /** First wait after a polling failure such as 409; doubles up to a minute, with jitter. */
  pollRetryMs: number;
}

const TOKEN = /^\d{3,}:[A-Za-z0-9_-]{20,}$/;
/** Telegram: secret_token is 1-256 characters of A-Z, a-z, 0-9, _ and - (setWebhook docs). */
const SECRET = /^[A-Za-z0-9_-]{1,256}$/;
const CHAT_ID = /^-?\d{1,20}$/;

/**
 * The Telegram adapter's config, or undefined when TELEGRAM_BOT_TOKEN is not set.
 * Throws BotError CONFIG_INVALID naming the variable when a value is wrong.
 */
export function telegramConfigFromEnv(env: Env): TelegramAdapterConfig | undefined {
  const token = read(env, 'TELEGRAM_BOT_TOKEN');
  if (token === undefined) return undefined;
  if (!TOKEN.test(token)) {
    throw invalid('TELEGRAM_BOT_TOKEN is invalid: expected the token BotFather gave you, digits, a colon, then letters (like 123456789:AA...)');
  }

  // grammy throws on a trailing slash in apiRoot (PLATFORMS.md §4.2), so drop it here.
  const apiRoot = httpUrl(env, 'TELEGRAM_API_ROOT', 'http://127.0.0.1:8081')?.replace(/\/+$/, '');

  const webhookUrl = httpUrl(env, 'TELEGRAM_WEBHOOK_URL', 'https://bot.example.org/telegram');
  let webhook: TelegramWebhookConfig | undefined;
  if (webhookUrl !== undefined) {
    const secret = read(env, 'TELEGRAM_WEBHOOK_SECRET');
    // Without a secret anyone who finds the URL could forge updates, moderator button presses included.
    if (secret === undefined) {
      throw invalid('TELEGRAM_WEBHOOK_SECRET is missing: webhook mode needs a secret of 1-256 characters from A-Z, a-z, 0-9, _ and -');
    }
    if (!SECRET.test(secret)) {
      throw invalid('TELEGRAM_WEBHOOK_SECRET is invalid: expected 1-256 characters from A-Z, a-z, 0-9, _ and -');
    }
    webhook = {
      url: webhookUrl,
      port: port(env, 'TELEGRAM_WEBHOOK_PORT', 8443),
      host: read(env, 'TELEGRAM_WEBHOOK_HOST') ?? '0.0.0.0',
      secret,
      maxBodyBytes: 1_048_576,
    };
  }

  const moderatorChatId = matching(env, 'TELEGRAM_MODERATOR_CHAT_ID', CHAT_ID, 'a numeric chat id such as -1001234567890');
  const moderatorThreadId = matching(env, 'TELEGRAM_MODERATOR_THREAD_ID', /^\d{1,12}$/, 'a forum topic id (a positive number)');

  return {
    token,
    apiRoot,
    webhook,
    moderatorChatId,
    moderatorThreadId,
    pollTimeoutSeconds: 30,
    maxRateLimitRetries: 3,
    maxRetryAfterSeconds: 60,
    typingRenewMs: 4_000,
    pollRetryMs: 5_000,
  };
}
