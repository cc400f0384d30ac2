/**
 * The Telegram adapter: a thin shell around a grammy Bot. Long polling by default (our own
 * loop, polling.ts), a webhook when TELEGRAM_WEBHOOK_URL is set. Every update is classified
 * (inbound.ts), deduped on update_id and message id, and handed to dispatch.ts as a tracked
 * background task. A message is confirmed to Telegram (the next offset, or the webhook's 200)
 * once its intake row has committed, and never waits for the model: a crisis message from one
 * user never queues behind another user's slow reply.
 */
import { Bot } from 'grammy';
import { menuCommands, type CommandAudience } from '../../src/command-catalogue.js';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef } from '../../src/messages.js';
import type { BotHandlers, ModeratorSink, PlatformAdapter } from '../../src/ports.js';
import type { TelegramAdapterConfig } from './config.js';
import { dispatchEvent, type DispatchContext } from './dispatch.js';
import { mapTelegramError } from './errors.js';
import { classifyUpdate, messageKey, PLATFORM, type BotIdentity } from './inbound.js';
import { createTelegramModeratorSink } from './moderator.js';
import { visibleText } from './outbound.js';
import { rateLimitTransformer } from './rate-limit.js';
import { DirectUsers } from './direct-users.js';
import { pollWhileLeader } from './poll-leader.js';
import { pollUpdates } from './polling.js';
import { InFlight, TypingTimers } from '../shared/lifecycle.js';
import { sleep } from '../shared/retry.js';
import { BoundedSet } from '../shared/bounded.js';
import { createSender } from './sender.js';
import type { SendLedger } from '../../src/ports.js';
import { SEND_MARK_TTL_MS } from '../../src/store/send-ledger.js';
import { startWebhookServer, type WebhookServer } from './webhook.js';

export type { TelegramAdapterConfig } from './config.js';

export interface TelegramAdapterDeps {
  logger: Logger;
}

export interface TelegramAdapter extends PlatformAdapter {
  /** The webhook server's bound port in webhook mode (after start), else undefined. */
  readonly webhookPort: number | undefined;
}

/** Updates we act on; edited messages and the rest are never requested. */
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
/** A forgotten stop function must not keep a chat "typing" forever. */
const TYPING_MAX_MS = 180_000;
/** The lease that picks the one polling instance, and how often it is renewed (its TTL is 3x this). */
const POLLER_LEASE = 'telegram-poller';
const POLLER_RENEW_MS = 5_000;
/** How long stop() waits for in-flight handlers. */
const DRAIN_MS = 10_000;

/** Telegram's command menus, from the core's catalogue: everyone's, and the moderators' in their chat. */
const menu = (audience: CommandAudience) => menuCommands(audience).map((c) => ({ command: c.name, description: c.help }));
const USER_COMMANDS = menu('everyone');
const MODERATOR_COMMANDS = menu('moderators');

/** Each try to reach the Bot API at start gets this long before the failure is named. */
const START_ATTEMPT_MS = 10_000;

/** Builds the adapter; nothing touches the network until start() (or an alert delivery). */
export function createTelegramAdapter(config: TelegramAdapterConfig, deps: TelegramAdapterDeps): TelegramAdapter {
  const log = deps.logger.child({ platform: PLATFORM });
  const bot = new Bot(config.token, { client: config.apiRoot ? { apiRoot: config.apiRoot } : {} });
  bot.api.config.use(
    rateLimitTransformer({ maxRetries: config.maxRateLimitRetries, maxRetryAfterSeconds: config.maxRetryAfterSeconds, logger: log }),
  );
  // grammy's default handler stops polling on a middleware error; ours never throw, but be sure.
  bot.catch((error) => log.error('telegram middleware error', { code: mapTelegramError(error.error).code }));

  const seenUpdates = new BoundedSet<number>(10_000);
  const seenMessages = new BoundedSet<string>(10_000);
  // Users who have a private chat with us (sent /start or any private message), kept in the
  // store so every instance knows them (direct-users.ts).
  const directUsers = new DirectUsers(() => handlers?.directReach);
  let sendLedger: SendLedger | undefined;
  const sender = createSender(bot.api, log, (chatId) => directUsers.delete(chatId), { ledger: () => sendLedger });
  const tasks = new InFlight();
  const typing = new TypingTimers();
  let me: BotIdentity | undefined;
  let handlers: BotHandlers | undefined;
  let webhook: WebhookServer | undefined;
  let polling: Promise<void> | undefined;
  let stopping = false;
  const stopped = new AbortController();

  bot.use(async (ctx) => {
    const update = ctx.update;
    if (!me || !handlers) return;
    // Ids grow: a message seen here bounds from below where the bot's next message lands (read-back floors).
    const seen = update.message ?? update.callback_query?.message;
    if (seen) sender.noteSeen(String(seen.chat.id), seen.message_id);
    if (!seenUpdates.add(update.update_id)) {
      log.debug('telegram update redelivered; skipped', { updateId: update.update_id });
      return;
    }
    let taken!: () => void;
    const intake = new Promise<void>((resolve) => (taken = resolve));
    const context: DispatchContext = {
      api: bot.api, handlers, sender, logger: log, seenMessages, directUsers,
      botUsername: me.username, moderatorChatId: config.moderatorChatId, onTaken: taken,
    };
    const event = classifyUpdate(update, me, new Date());
    const task = dispatchEvent(context, event, update.update_id).finally(() => taken());
    tasks.track(task);
    // A message is confirmed to Telegram only once its intake row has committed; commands and
    // buttons are not recorded, and run on in the background.
    if (event.kind === 'message') await intake;
  });

  /** Hands one update to the middleware; resolves once it is taken, never rejects. */
  async function take(update: Parameters<typeof bot.handleUpdate>[0]): Promise<void> {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      log.error('telegram update failed', { updateId: update.update_id, code: mapTelegramError(error).code });
    }
  }

  /**
   * getMe, retried with backoff until it answers: an unreachable or wrong API root is named in
   * the log within START_ATTEMPT_MS instead of leaving the bot silent for minutes.
   */
  async function init(): Promise<void> {
    let backoffMs = Math.min(config.pollRetryMs, 2_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(START_ATTEMPT_MS), stopped.signal]);
        bot.botInfo = await bot.api.getMe(signal as Parameters<typeof bot.api.getMe>[0]);
        return;
      } catch (error) {
        const mapped = mapTelegramError(error);
        if (mapped.code === 'PLATFORM_AUTH') {
          throw new BotError('Telegram rejected TELEGRAM_BOT_TOKEN: copy the token from @BotFather again', 'PLATFORM_AUTH', { cause: error });
        }
        if (stopping) throw mapped;
        const wait = backoffMs + Math.floor(Math.random() * backoffMs * 0.2);
        log.error('telegram Bot API unreachable at start: retrying', {
          code: mapped.code, apiRoot: config.apiRoot ?? 'https://api.telegram.org', attempt, retryInMs: wait,
        });
        await sleep(wait, stopped.signal);
        backoffMs = Math.min(backoffMs * 2, 60_000);
      }
    }
  }

  async function registerCommands(): Promise<void> {
    try {
      await bot.api.setMyCommands(USER_COMMANDS);
      if (config.moderatorChatId) {
        await bot.api.setMyCommands(MODERATOR_COMMANDS, { scope: { type: 'chat', chat_id: config.moderatorChatId } });
      }
    } catch (error) {
      // The menu is a convenience; the commands work without it.
      log.warn('telegram setMyCommands failed', { code: mapTelegramError(error).code });
    }
  }

  const moderatorSink: ModeratorSink | undefined = config.moderatorChatId
    ? createTelegramModeratorSink({
        async post({ html, keyboard }, key) {
          const sent = await sender.sendChunk(
            { chatId: config.moderatorChatId!, threadId: config.moderatorThreadId, keyboard },
            { html, plain: visibleText(html) },
            key,
          );
          return messageKey(sent.chatId, sent.messageId);
        },
        async edit(ref, { html, keyboard }) {
          // The ref is messageKey(chatId, messageId); chat ids are negative for groups.
          const cut = ref.lastIndexOf(':');
          await sender.editHtml(Number(ref.slice(0, cut)), Number(ref.slice(cut + 1)), html, keyboard);
        },
      }, log)
    : undefined;

  const adapter: TelegramAdapter = {
    platform: PLATFORM,
    ...(moderatorSink ? { moderatorSink } : {}),

    get webhookPort() {
      return webhook?.port;
    },

    useSendLedger(ledger) {
      sendLedger = ledger;
      // Retention: a send cut short longer ago than this is sent again, not read back.
      void ledger.purge(new Date(Date.now() - SEND_MARK_TTL_MS)).catch(() => undefined);
    },

    async start(h) {
      handlers = h;
      await init();
      me = { id: bot.botInfo.id, username: bot.botInfo.username };
      if (!bot.botInfo.can_read_all_group_messages) {
        log.info('telegram privacy mode is on: in groups the bot sees only commands, mentions and replies to it');
      }
      await registerCommands();
      if (config.webhook) {
        const w = config.webhook;
        webhook = await startWebhookServer({
          path: new URL(w.url).pathname,
          host: w.host,
          port: w.port,
          secret: w.secret,
          maxBodyBytes: w.maxBodyBytes,
          logger: log,
          // Resolves once a message's intake row has committed (bot.use above): the 200 comes after.
          onUpdate: (update) => take(update as Parameters<typeof bot.handleUpdate>[0]),
        });
        try {
          await bot.api.setWebhook(w.url, { secret_token: w.secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
        } catch (error) {
          await webhook.close();
          webhook = undefined;
          throw mapTelegramError(error, { step: 'setWebhook' });
        }
        log.info('telegram adapter started (webhook)', { bot: me.username });
      } else {
        const poll = (signal: AbortSignal) => pollUpdates({
          api: bot.api, take, timeoutSeconds: config.pollTimeoutSeconds, allowedUpdates: ALLOWED_UPDATES,
          retryMs: config.pollRetryMs, logger: log, signal,
        });
        // Several instances: only the holder of the poller lease polls (poll-leader.ts).
        polling = h.leadership
          ? pollWhileLeader({ leadership: h.leadership(POLLER_LEASE), renewMs: POLLER_RENEW_MS, poll, signal: stopped.signal, logger: log })
          : poll(stopped.signal);
        log.info('telegram adapter started (long polling)', { bot: me.username, leased: h.leadership !== undefined });
      }
    },

    async send(message) {
      return sender.send(message, me?.username);
    },

    // Streamed replies: at most one edit per 1.5 s per message, well inside flood control.
    editIntervalMs: 1_500,
    async edit(message, id, final) {
      await sender.editStreamed(message, id, final);
    },

    async openDirect(userId) {
      // Telegram lets a bot message a user only after the user started it; we know that for
      // users who wrote to us privately, on any instance (the store remembers).
      if (!(await directUsers.reachable(userId))) return undefined;
      const ref: ConversationRef = { platform: PLATFORM, channelId: userId };
      return ref;
    },

    startTyping(conversation) {
      const thread = conversation.threadId ? { message_thread_id: Number(conversation.threadId) } : {};
      const tick = () => {
        bot.api.sendChatAction(conversation.channelId, 'typing', thread).catch((error: unknown) => {
          log.debug('telegram typing indicator failed', { code: mapTelegramError(error).code });
        });
      };
      return typing.start(tick, config.typingRenewMs, TYPING_MAX_MS);
    },

    async stop() {
      stopping = true;
      stopped.abort();
      if (webhook) {
        // The webhook stays registered: Telegram keeps updates for us until we are back.
        await webhook.close();
        webhook = undefined;
      }
      await polling; // confirms the last offset with one more getUpdates
      typing.stopAll();
      await tasks.drain(DRAIN_MS);
    },
  };
  return adapter;
}
