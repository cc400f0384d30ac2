/**
 * Builds the real Telegram adapter (real grammy Bot) against the fake Bot API, with
 * handlers that record what reaches the core. For end-to-end runs through the real engine
 * see e2e.test.ts.
 */
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import type { TelegramAdapterConfig } from '../../adapters/telegram/config.js';
import type { InboundMessage } from '../../src/messages.js';
import type { BotHandlers, CommandReply, CommandRequest } from '../../src/ports.js';
import { silentLogger } from '../../src/logger.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { BOT } from './fixtures.js';

export const WEBHOOK_SECRET = 'test_secret-123';
export const WEBHOOK_PUBLIC_URL = 'https://bot.example.org/telegram';

export interface RecordingHandlers extends BotHandlers {
  messages: InboundMessage[];
  commands: CommandRequest[];
  /** Replace to script command replies. */
  reply: (command: CommandRequest) => CommandReply | Promise<CommandReply>;
  /** Replace to script what happens on a message (default: record only). */
  onEachMessage: (message: InboundMessage) => Promise<void> | void;
}

export function recordingHandlers(): RecordingHandlers {
  const h: RecordingHandlers = {
    messages: [],
    commands: [],
    reply: (c) => ({ text: `ok: ${c.name} ${c.args.join(' ')}`.trim(), ok: true, private: false }),
    onEachMessage: () => undefined,
    async onMessage(message) {
      h.messages.push(message);
      return { handled: Promise.resolve(h.onEachMessage(message)) };
    },
    async onCommand(command) {
      h.commands.push(command);
      return h.reply(command);
    },
  };
  return h;
}

export function testConfig(fake: FakeTelegram, overrides: Partial<TelegramAdapterConfig> = {}): TelegramAdapterConfig {
  return {
    token: fake.token,
    apiRoot: fake.apiRoot,
    webhook: undefined,
    moderatorChatId: undefined,
    moderatorThreadId: undefined,
    pollTimeoutSeconds: 1,
    maxRateLimitRetries: 3,
    maxRetryAfterSeconds: 60,
    typingRenewMs: 4_000,
    pollRetryMs: 5_000,
    ...overrides,
  };
}

export function webhookConfig(fake: FakeTelegram, overrides: Partial<TelegramAdapterConfig> = {}): TelegramAdapterConfig {
  return testConfig(fake, {
    webhook: { url: WEBHOOK_PUBLIC_URL, port: 0, host: '127.0.0.1', secret: WEBHOOK_SECRET, maxBodyBytes: 64 * 1024 },
    ...overrides,
  });
}

export interface Harness {
  fake: FakeTelegram;
  adapter: TelegramAdapter;
  handlers: RecordingHandlers;
  /** POSTs to the adapter's webhook server the way Telegram (or a reverse proxy) would. */
  postWebhook(body: unknown, options?: { secret?: string | null; raw?: string | Buffer; path?: string }): Promise<{ status: number; ms: number }>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<TelegramAdapterConfig> = {}, mode: 'polling' | 'webhook' = 'polling'): Promise<Harness> {
  const fake = await startFakeTelegram({ bot: BOT });
  const config = mode === 'webhook' ? webhookConfig(fake, overrides) : testConfig(fake, overrides);
  const adapter = createTelegramAdapter(config, { logger: silentLogger });
  const handlers = recordingHandlers();
  await adapter.start(handlers);
  return {
    fake,
    adapter,
    handlers,
    async postWebhook(body, options = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const secret = options.secret === undefined ? WEBHOOK_SECRET : options.secret;
      if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
      if (body && typeof body === 'object') fake.observe(body as Record<string, unknown>);
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${adapter.webhookPort}${options.path ?? '/telegram'}`, {
        method: 'POST',
        headers,
        body: options.raw ?? JSON.stringify(body),
      });
      await res.arrayBuffer();
      return { status: res.status, ms: Date.now() - started };
    },
    async close() {
      // Stop the SDK before the fake (PLATFORMS.md §7).
      await adapter.stop();
      await fake.close();
    },
  };
}
