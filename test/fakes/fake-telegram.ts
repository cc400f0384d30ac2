/**
 * A fake Telegram Bot API server on 127.0.0.1 for driving the real grammy Bot
 * (PLATFORMS.md §4.2). It serves `/bot<token>/<method>` with JSON, holds getUpdates as a
 * real long poll, and behaves like Telegram where our code depends on it: 4096-character
 * limit after entity parsing, HTML parse errors, 403 for users who never started the bot,
 * "message is not modified" on identical edits, and editMessageReplyMarkup's three answers
 * (not modified / not found / can't be edited). Message ids are numbered as Telegram numbers them:
 * private chats and basic groups share the bot account's one counter, supergroups and channels
 * ("-100…") count per chat, and a pushed message without a message_id gets the next one. Every
 * call is recorded; errors can be scripted per method (429 with retry_after, for example).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal, readBody } from '../helpers/local-http.js';

export interface FakeBotInfo {
  id: number;
  username: string;
  first_name: string;
  can_read_all_group_messages?: boolean;
}

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
  /** The scripted error this call was answered with, if any. */
  failedWith?: FakeError;
  /**
   * The HTTP status the fake answered with (200 for ok: true), set even when the caller was gone
   * by then: Telegram acts on a request whether or not its answer arrives. Undefined while pending.
   */
  status?: number;
}

export interface FakeError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A message the bot sent (or edited), as the fake stores it. */
export interface SentMessage {
  chatId: string;
  messageId: number;
  /** Text as sent (HTML when parseMode is HTML). */
  text: string;
  /** What a user sees: tags removed, entities decoded. */
  visible: string;
  parseMode: string | undefined;
  threadId: number | undefined;
  replyTo: number | undefined;
  replyMarkup: unknown;
  edits: number;
}

export interface FakeTelegram {
  /** For `client.apiRoot`: no trailing slash. */
  apiRoot: string;
  token: string;
  bot: FakeBotInfo;
  calls: RecordedCall[];
  sent: SentMessage[];
  /** editMessageText calls refused by `minEditGapMs` flood control. */
  floodRejections: number;
  /**
   * getUpdates calls that arrived while another was still waiting: two pollers on one token.
   * As Telegram does, the waiting one is ended with 409 Conflict.
   */
  pollConflicts: number;
  /** Queues an update for getUpdates; returns its update_id. A given update_id is kept (redelivery). */
  pushUpdate(update: Record<string, unknown>): number;
  /** The next `times` calls of `method` fail with `error`. */
  failNext(method: string, error: FakeError, times?: number): void;
  /** Marks a user as having started the bot (pushing a private message does this too). */
  startedBy(userId: number): void;
  /**
   * What Telegram learns from an update it delivers: a private message means the user has
   * started the bot, so the bot may message them. pushUpdate calls it; webhook tests call it
   * for updates they POST to the bot directly.
   */
  observe(update: Record<string, unknown>): void;
  callsOf(method: string): RecordedCall[];
  close(): Promise<void>;
}

const ALLOWED_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji', 'span',
]);

export function visibleOf(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** Telegram-like HTML validation: known tags, balanced, entities well-formed. */
function htmlError(html: string): string | undefined {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*>|&(?!(lt|gt|amp|quot);)|<(?![a-zA-Z/])/g)) {
    if (m[0].startsWith('&')) return `Can't parse entities: unexpected & at byte offset ${m.index}`;
    if (m[0] === '<') return `Can't parse entities: unsupported start tag at byte offset ${m.index}`;
    const [, closing, rawName] = m;
    const name = rawName!.toLowerCase();
    if (!ALLOWED_TAGS.has(name)) return `Can't parse entities: unsupported start tag "${name}" at byte offset ${m.index}`;
    if (closing) {
      if (stack.pop() !== name) return `Can't parse entities: can't find end tag corresponding to start tag "${name}"`;
    } else {
      stack.push(name);
    }
  }
  return stack.length > 0 ? `Can't parse entities: can't find end tag corresponding to start tag "${stack.at(-1)}"` : undefined;
}

export interface FakeTelegramOptions {
  token?: string;
  bot?: Partial<FakeBotInfo>;
  /**
   * Flood control for edits, as Telegram applies it: an editMessageText sooner than this after
   * the message's last change answers 429 with retry_after (counted in `floodRejections`).
   */
  minEditGapMs?: number;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123456789:AAHfakeTokenForTestsOnly_abcdefghijk';
  const bot: FakeBotInfo = { id: 123456789, username: 'oyster_test_bot', first_name: 'Oyster', ...options.bot };
  const calls: RecordedCall[] = [];
  const sent: SentMessage[] = [];
  const queue: Array<Record<string, unknown> & { update_id: number }> = [];
  const waiters = new Set<() => void>();
  /** Ends each getUpdates that is still waiting, with a 409 Conflict (another poller came). */
  const polling = new Set<() => void>();
  const failures = new Map<string, FakeError[]>();
  const started = new Set<string>();
  /** Last id per counter: 'account' (private chats and basic groups) or a supergroup's chat id. */
  const lastId = new Map<string, number>();
  const counterOf = (chatId: string) => (chatId.startsWith('-100') ? chatId : 'account');
  const nextId = (chatId: string) => {
    const id = (lastId.get(counterOf(chatId)) ?? 500) + 1;
    lastId.set(counterOf(chatId), id);
    return id;
  };
  /** Messages people sent ("chat:id"): the bot cannot edit them. */
  const othersMessages = new Set<string>();
  const changedAt = new Map<string, number>();
  let nextUpdateId = 1000;

  const observe = (update: Record<string, unknown>) => {
    const message = update.message as { chat?: { id: number; type: string }; from?: { id: number }; message_id?: number } | undefined;
    if (message?.chat?.type === 'private' && message.from) started.add(String(message.from.id));
    if (message?.chat && typeof message.message_id === 'number') {
      const chatId = String(message.chat.id);
      othersMessages.add(`${chatId}:${message.message_id}`);
      // Ids only grow: a message a test numbered itself moves the counter past it.
      if (message.message_id > (lastId.get(counterOf(chatId)) ?? 500)) lastId.set(counterOf(chatId), message.message_id);
    }
  };

  /** A pushed message without an id gets the next one of its chat's counter, as Telegram assigns it. */
  const numbered = (update: Record<string, unknown>): Record<string, unknown> => {
    const message = update.message as { chat?: { id: number }; message_id?: number } | undefined;
    if (!message?.chat || message.message_id !== undefined) return update;
    return { ...update, message: { ...message, message_id: nextId(String(message.chat.id)) } };
  };

  /** Telegram shows an empty inline keyboard as none; compared that way. */
  const markupKey = (markup: unknown): string => {
    const rows = (markup as { inline_keyboard?: unknown[][] } | undefined)?.inline_keyboard;
    return markup === undefined || markup === null || (Array.isArray(rows) && rows.every((r) => r.length === 0)) ? '' : JSON.stringify(markup);
  };

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  /** Which call a response answers, so each answer's status lands on its recorded call. */
  const callOf = new WeakMap<ServerResponse, RecordedCall>();
  const ok = (res: ServerResponse, result: unknown): void => {
    const call = callOf.get(res);
    if (call) call.status = 200;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
  };
  const err = (res: ServerResponse, e: FakeError): void => {
    const call = callOf.get(res);
    if (call) call.status = e.error_code;
    res.writeHead(e.error_code, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, ...e }));
  };
  const badRequest = (res: ServerResponse, description: string): void => err(res, { error_code: 400, description: `Bad Request: ${description}` });

  async function getUpdates(req: IncomingMessage, res: ServerResponse, p: Record<string, unknown>): Promise<void> {
    const offset = Number(p.offset ?? 0);
    const limit = Number(p.limit ?? 100);
    const timeout = Number(p.timeout ?? 0);
    // Confirmation: updates below the offset are forgotten, as Telegram does.
    while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
    if (polling.size > 0) {
      fake.pollConflicts++;
      for (const end of [...polling]) end();
    }
    if (queue.length === 0 && timeout > 0) {
      let conflicted = false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          polling.delete(conflict);
          resolve();
        };
        const conflict = () => {
          conflicted = true;
          done();
        };
        polling.add(conflict);
        const timer = setTimeout(done, timeout * 1000);
        waiters.add(done);
        req.once('close', done);
        res.once('close', done);
      });
      if (conflicted && !res.destroyed) {
        return err(res, { error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
      }
    }
    if (res.destroyed) return;
    ok(res, queue.filter((u) => u.update_id >= offset).slice(0, limit));
  }

  function storeMessage(p: Record<string, unknown>): SentMessage {
    const chatId = String(p.chat_id);
    const id = nextId(chatId);
    const text = String(p.text);
    const message: SentMessage = {
      chatId,
      messageId: id,
      text,
      visible: p.parse_mode === 'HTML' ? visibleOf(text) : text,
      parseMode: p.parse_mode as string | undefined,
      threadId: p.message_thread_id as number | undefined,
      replyTo: (p.reply_parameters as { message_id?: number } | undefined)?.message_id,
      replyMarkup: p.reply_markup,
      edits: 0,
    };
    changedAt.set(`${chatId}:${id}`, Date.now());
    sent.push(message);
    return message;
  }

  function messageObject(m: SentMessage) {
    const chatId = Number(m.chatId);
    return {
      message_id: m.messageId,
      date: Math.floor(Date.now() / 1000),
      chat: chatId > 0 ? { id: chatId, type: 'private', first_name: 'User' } : { id: chatId, type: 'supergroup', title: 'Group' },
      from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
      text: m.visible,
      ...(m.threadId !== undefined ? { message_thread_id: m.threadId, is_topic_message: true } : {}),
    };
  }

  /** Checks shared by sendMessage and editMessageText; undefined when the text is acceptable. */
  function textError(p: Record<string, unknown>): string | undefined {
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.trim() === '') return 'message text is empty';
    const parseError = p.parse_mode === 'HTML' ? htmlError(text) : undefined;
    if (parseError) return parseError;
    const visible = p.parse_mode === 'HTML' ? visibleOf(text) : text;
    if (visible.length > 4096) return 'message is too long';
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(req.url ?? '');
    if (!m) return err(res, { error_code: 404, description: 'Not Found' });
    const [, gotToken, method] = m as unknown as [string, string, string];
    const raw = await readBody(req);
    const payload = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const call: RecordedCall = { method, payload, at: Date.now() };
    calls.push(call);
    callOf.set(res, call);
    if (gotToken !== token) return err(res, { error_code: 401, description: 'Unauthorized' });
    const scripted = failures.get(method);
    if (scripted && scripted.length > 0) {
      call.failedWith = scripted.shift()!;
      return err(res, call.failedWith);
    }

    switch (method) {
      case 'getMe':
        return ok(res, { is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, ...bot });
      case 'getUpdates':
        return getUpdates(req, res, payload);
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return ok(res, true);
      case 'sendMessage': {
        const chatId = String(payload.chat_id);
        if (!chatId.startsWith('-') && !started.has(chatId)) {
          return err(res, { error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
        }
        const problem = textError(payload);
        if (problem) return badRequest(res, problem);
        return ok(res, messageObject(storeMessage(payload)));
      }
      case 'editMessageText': {
        const target = sent.find((s) => s.chatId === String(payload.chat_id) && s.messageId === Number(payload.message_id));
        if (!target) return badRequest(res, 'message to edit not found');
        const key = `${target.chatId}:${target.messageId}`;
        if (options.minEditGapMs !== undefined && Date.now() - changedAt.get(key)! < options.minEditGapMs) {
          fake.floodRejections++;
          return err(res, { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
        }
        const problem = textError(payload);
        if (problem) return badRequest(res, problem);
        const text = String(payload.text);
        if (text === target.text && markupKey(payload.reply_markup) === markupKey(target.replyMarkup)) {
          return badRequest(res, 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        Object.assign(target, {
          text,
          visible: payload.parse_mode === 'HTML' ? visibleOf(text) : text,
          parseMode: payload.parse_mode,
          replyMarkup: payload.reply_markup,
          edits: target.edits + 1,
        });
        changedAt.set(key, Date.now());
        return ok(res, messageObject(target));
      }
      case 'editMessageReplyMarkup': {
        // The Bot API's answers, in its order: no such message in this chat, someone else's
        // message, the same keyboard (nothing to change), else the keyboard is replaced.
        const chatId = String(payload.chat_id);
        const target = sent.find((s) => s.chatId === chatId && s.messageId === Number(payload.message_id));
        if (!target) {
          return badRequest(res, othersMessages.has(`${chatId}:${Number(payload.message_id)}`) ? "message can't be edited" : 'message to edit not found');
        }
        if (markupKey(payload.reply_markup) === markupKey(target.replyMarkup)) {
          return badRequest(res, 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        Object.assign(target, { replyMarkup: payload.reply_markup, edits: target.edits + 1 });
        changedAt.set(`${chatId}:${target.messageId}`, Date.now());
        return ok(res, messageObject(target));
      }
      default:
        return err(res, { error_code: 404, description: 'Not Found: method not found' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) badRequest(res, `fake failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
  const { port, close } = await listenLocal(server);

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    bot,
    calls,
    sent,
    floodRejections: 0,
    pollConflicts: 0,
    pushUpdate(raw) {
      const update = numbered(raw);
      const update_id = typeof update.update_id === 'number' ? update.update_id : nextUpdateId++;
      observe(update);
      queue.push({ ...update, update_id });
      queue.sort((a, b) => a.update_id - b.update_id);
      wake();
      return update_id;
    },
    failNext(method, error, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(error);
      failures.set(method, list);
    },
    startedBy(userId) {
      started.add(String(userId));
    },
    observe,
    callsOf(method) {
      return calls.filter((c) => c.method === method);
    },
    close: () => {
      wake();
      return close();
    },
  };
  return fake;
}
