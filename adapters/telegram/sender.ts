/**
 * Outbound calls on the grammy Api: chunked sends with a plain-text fallback, alert posts
 * and edits. Rendering lives in outbound.ts; this file only talks to Telegram.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GrammyError, type Api } from 'grammy';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { OutboundMessage } from '../../src/messages.js';
import { isNotModified, isParseError, mapTelegramError, migratedChatId } from './errors.js';
import { messageKey } from './inbound.js';
import type { InlineKeyboard } from './moderator.js';
import { deepLink, renderChunks, visibleText, type TelegramChunk } from './outbound.js';
import { readBack } from './read-back.js';
import type { SendLedger, SendMark } from '../../src/ports.js';
import { sharesAccountCounter } from '../../src/store/send-ledger.js';
import { PLATFORM } from './inbound.js';

type UrlKeyboard = { inline_keyboard: Array<Array<{ text: string; url: string }>> };

export interface SendTarget {
  chatId: string;
  threadId?: string | undefined;
  replyToMessageId?: number | undefined;
  keyboard?: InlineKeyboard | UrlKeyboard | undefined;
}

/** Private chats have the user's (positive) id; groups and supergroups are negative. */
export function isPrivateChatId(chatId: string): boolean {
  return !chatId.startsWith('-');
}

/** "chat:message" (our InboundMessage.id) or a bare message id → the message id in this chat. */
export function replyMessageId(replyToId: string | undefined, chatId: string): number | undefined {
  if (!replyToId) return undefined;
  const [chat, message] = replyToId.includes(':') ? replyToId.split(':') : [chatId, replyToId];
  if (chat !== chatId || !/^\d+$/.test(message ?? '')) return undefined;
  return Number(message);
}

export interface Sender {
  /**
   * Sends one chunk, HTML first, resending as plain text on a parse error. Resolves with the
   * message id. With a `key` (stable per purpose) a chunk already sent under it is not sent
   * again: a recorded id is returned, and a send a crash cut short is read back first.
   */
  sendChunk(target: SendTarget, chunk: TelegramChunk, key?: string): Promise<{ chatId: string; messageId: number }>;
  /** A message id seen in a chat (an inbound message): later sends there are above it. */
  noteSeen(chatId: string, messageId: number): void;
  /** Renders, splits and sends; `keyboard` goes under the last part. */
  send(message: OutboundMessage, botUsername: string | undefined, keyboard?: InlineKeyboard): Promise<{ id: string }>;
  editHtml(chatId: number, messageId: number, html: string, keyboard: InlineKeyboard): Promise<void>;
  /**
   * A streamed reply's next text (`id` from send): editMessageText on the first part; on the
   * final edit the parts past Telegram's limit follow as new messages.
   */
  editStreamed(message: OutboundMessage, id: string, final: boolean): Promise<void>;
}

/** Sends remembered while the ledger is down, to be marked when it returns; past this, forgotten. */
const MAX_UNMARKED = 1_000;

export interface SenderOptions {
  /** The store's send ledger; read at call time (the handlers, and the store, arrive at start). */
  ledger?: () => SendLedger | undefined;
  now?: () => Date;
}

/** Highest message id known per id counter: the bot account's (private chats, basic groups) or a supergroup's. */
class Floors {
  private readonly max = new Map<string, number>();
  private static counter(chatId: string): string {
    return sharesAccountCounter(chatId) ? 'account' : chatId;
  }
  note(chatId: string, id: number): void {
    const c = Floors.counter(chatId);
    if (id > (this.max.get(c) ?? 0)) this.max.set(c, id);
  }
  get(chatId: string): number | undefined {
    return this.max.get(Floors.counter(chatId));
  }
}

/** An empty keyboard is no keyboard (Telegram shows none); the ledger stores either as none. */
function markupOf(keyboard: SendTarget['keyboard']): string | undefined {
  return keyboard && keyboard.inline_keyboard.some((row) => row.length > 0) ? JSON.stringify(keyboard) : undefined;
}

/**
 * A key for a message that answers an inbound one and came without a key (notices, group notes):
 * the same kind and text in answer to the same message is the same send. When handling resumes
 * after a crash the notice is sent again under the same key, so the read-back settles its mark
 * instead of leaving it unsettled, which made every later read-back in that chat unsure
 * ('busy-chat': sent again) for the marks' 48 hours. The text enters as a short hash only.
 */
function answerKey(message: Pick<OutboundMessage, 'kind' | 'replyToId' | 'text'>): string | undefined {
  if (message.replyToId === undefined) return undefined;
  const digest = createHash('sha256').update(message.text).digest('base64url').slice(0, 12);
  return `${message.kind}:${message.replyToId}:${digest}`;
}

export function createSender(api: Api, logger: Logger, onDirectRefused: (chatId: string) => void, options: SenderOptions = {}): Sender {
  const ledgerOf = options.ledger ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const runStartedAt = now();
  const floors = new Floors();
  /** Keys whose send is in flight in this process: never read back (the answer is coming). */
  const inFlight = new Set<string>();
  /** Chats being read back: sends there wait, so no new bot message lands in the probed window. */
  const gates = new Map<string, Promise<unknown>>();
  let ledgerDown = false;
  /**
   * Sends made while the ledger could not be written, with the id Telegram gave them: written to
   * the ledger, settled, by the first send that can mark again. An unmarked bot message breaks
   * the read-back's rule that every bot message is accounted for: a later read-back in that chat,
   * after a restart, could take it for its own send (same keyboard) and not send that one.
   */
  const unmarked: SendMark[] = [];
  let markingLate = false;

  /**
   * The one sendMessage call: marked in the ledger before (with a random key when the caller gave
   * none, so every bot message is accounted for) and given its id after. A 4xx answer means
   * nothing was shown, and the mark goes; any other failure leaves it unsettled for a read-back.
   */
  async function sendOnce(target: SendTarget, text: string, html: boolean, key: string | undefined): Promise<number> {
    await gates.get(target.chatId);
    const ledger = ledgerOf();
    const markKey = key ?? `~${randomUUID()}`;
    const markedAt = now();
    let marked = false;
    let floor = 0;
    if (ledger) {
      // The highest id known on the chat's counter; after a restart, the highest the ledger holds
      // there (a reply's own message can be far older than the ids sent since: a tight floor keeps
      // the read-back's window on the send).
      let known = floors.get(target.chatId);
      if (known === undefined) {
        const counter = sharesAccountCounter(target.chatId) ? { counter: 'account' as const } : { exact: target.chatId };
        known = await ledger.highestSent(PLATFORM, counter).catch(() => undefined);
        if (known !== undefined) floors.note(target.chatId, known);
      }
      floor = Math.max(target.replyToMessageId ?? 0, known ?? 0);
      try {
        await ledger.mark({ key: markKey, platform: PLATFORM, chatId: target.chatId, floorId: floor, markup: markupOf(target.keyboard), createdAt: markedAt });
        marked = true;
        if (ledgerDown) logger.info('send ledger writable again');
        ledgerDown = false;
        // Off this send's path: a crisis message must not wait for the backlog.
        if (unmarked.length > 0) void markLate(ledger);
      } catch (error) {
        // The store is down: the message still goes (resources must), unmarked for now; it is marked,
        // with its id, by the first send after the store returns (markLate). A crash before then
        // can double a keyed send, as before the ledger.
        if (!ledgerDown) logger.warn('send ledger unavailable: sending without a mark', { code: mapTelegramError(error).code });
        ledgerDown = true;
      }
    }
    inFlight.add(markKey);
    let id: number;
    try {
      id = await sendRaw(target, text, html);
    } catch (error) {
      if (marked && error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500) {
        await ledger!.drop(markKey).catch(() => undefined);
      }
      throw error;
    } finally {
      inFlight.delete(markKey);
    }
    floors.note(target.chatId, id);
    if (marked) await ledger!.sent(markKey, id).catch(() => undefined);
    else if (ledger && unmarked.length < MAX_UNMARKED) {
      unmarked.push({ key: markKey, platform: PLATFORM, chatId: target.chatId, floorId: floor, markup: markupOf(target.keyboard), messageId: id, createdAt: markedAt });
    }
    return id;
  }

  /** Writes the sends made while the ledger was down, each with its id; stops at the first failure. */
  async function markLate(ledger: SendLedger): Promise<void> {
    if (markingLate) return;
    markingLate = true;
    try {
      await writeUnmarked(ledger);
    } finally {
      markingLate = false;
    }
  }

  async function writeUnmarked(ledger: SendLedger): Promise<void> {
    while (unmarked.length > 0) {
      const m = unmarked[0]!;
      try {
        // A key sent again meanwhile (after the store came back) has its own, newer mark: keep it.
        if ((await ledger.get(m.key))?.messageId === undefined) {
          await ledger.mark(m);
          await ledger.sent(m.key, m.messageId!);
        }
      } catch {
        return;
      }
      unmarked.shift();
    }
    logger.info('sends made while the send ledger was down are marked now');
  }

  /** A keyed chunk sent before: its id from the ledger, or from a read-back of a send cut short. */
  async function settled(key: string, chatId: string): Promise<{ chatId: string; messageId: number } | undefined> {
    const ledger = ledgerOf();
    if (!ledger || inFlight.has(key)) return undefined;
    const mark = await ledger.get(key).catch(() => undefined);
    if (!mark) return undefined;
    if (mark.messageId !== undefined) return { chatId: mark.chatId, messageId: mark.messageId };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const previous = gates.get(mark.chatId);
    gates.set(mark.chatId, gate);
    try {
      await previous;
      const result = await readBack({ api, ledger, logger, runStartedAt, now }, mark).catch(() => ({ messageId: undefined, reason: 'error', probes: 0 }));
      const fields = { chatId: chatId === mark.chatId ? undefined : mark.chatId, reason: result.reason, probes: result.probes };
      if (result.messageId === undefined) {
        logger.info('telegram read-back: an unsettled send is not in the chat; sending it', fields);
        return undefined;
      }
      if (result.reason === 'edited') logger.warn('telegram read-back: the unsettled send was found with another keyboard', fields);
      else logger.info('telegram read-back: an unsettled send is in the chat; not sending it again', fields);
      floors.note(mark.chatId, result.messageId);
      await ledger.sent(key, result.messageId).catch(() => undefined);
      return { chatId: mark.chatId, messageId: result.messageId };
    } finally {
      release();
      if (gates.get(mark.chatId) === gate) gates.delete(mark.chatId);
    }
  }

  async function sendRaw(target: SendTarget, text: string, html: boolean): Promise<number> {
    const sent = await api.sendMessage(target.chatId, text, {
      ...(html ? { parse_mode: 'HTML' as const } : {}),
      ...(target.threadId ? { message_thread_id: Number(target.threadId) } : {}),
      ...(target.replyToMessageId
        ? { reply_parameters: { message_id: target.replyToMessageId, allow_sending_without_reply: true } }
        : {}),
      ...(target.keyboard ? { reply_markup: target.keyboard } : {}),
      // Link previews of crisis-line sites are noise in a short message.
      link_preview_options: { is_disabled: true },
    });
    return sent.message_id;
  }

  async function sendChunk(target: SendTarget, chunk: TelegramChunk, key?: string): Promise<{ chatId: string; messageId: number }> {
    if (key) {
      const before = await settled(key, target.chatId);
      if (before) return before;
    }
    let current = target;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return { chatId: current.chatId, messageId: await sendOnce(current, chunk.html, true, key) };
      } catch (error) {
        if (isParseError(error)) {
          // PLATFORMS.md §4.1: on a parse error, resend that chunk as plain text and log it.
          logger.warn('telegram rejected our HTML; resending as plain text', { chatId: current.chatId });
          try {
            return { chatId: current.chatId, messageId: await sendOnce(current, chunk.plain, false, key) };
          } catch (plainError) {
            throw fail(plainError, current.chatId);
          }
        }
        const migrated = migratedChatId(error);
        if (migrated !== undefined && migrated !== current.chatId) {
          // The group became a supergroup with a new id (400 with migrate_to_chat_id).
          logger.info('telegram group migrated to a supergroup; resending there', { from: current.chatId, to: migrated });
          current = { ...current, chatId: migrated };
          continue;
        }
        throw fail(error, current.chatId);
      }
    }
    throw new BotError('telegram send failed after a chat migration loop', 'PLATFORM_BAD_REQUEST', { context: { chatId: target.chatId } });
  }

  function fail(error: unknown, chatId: string): BotError {
    const mapped = mapTelegramError(error, { chatId });
    if (mapped.code === 'PLATFORM_PERMISSION' && isPrivateChatId(chatId)) onDirectRefused(chatId);
    return mapped;
  }

  return {
    sendChunk,
    noteSeen: (chatId, messageId) => floors.note(chatId, messageId),

    async send(message, botUsername, extraKeyboard) {
      const chunks = renderChunks(message.text);
      if (chunks.length === 0) throw new BotError('nothing to send: the text is empty', 'PLATFORM_BAD_REQUEST');
      const chatId = message.conversation.channelId;
      const inGroup = !isPrivateChatId(chatId);
      const sensitive = message.kind === 'public-note' || message.kind === 'resources';
      // In a group, a reply shows the replied message as a quote; a crisis note must not
      // resurface the user's words (CRISIS.md §4, "no quoting"), so it is sent unthreaded.
      const replyTo = inGroup && sensitive ? undefined : replyMessageId(message.replyToId, chatId);
      // The group note invites a private chat with a deep link that sends /start support.
      const keyboard: UrlKeyboard | InlineKeyboard | undefined =
        inGroup && sensitive && botUsername
          ? { inline_keyboard: [[{ text: message.privateChatLabel ?? 'Talk to me privately', url: deepLink(botUsername) }]] }
          : extraKeyboard;
      const key = message.sendKey ?? answerKey(message);
      let last = { chatId, messageId: 0 };
      for (const [i, chunk] of chunks.entries()) {
        last = await sendChunk(
          {
            chatId: last.chatId,
            threadId: message.conversation.threadId,
            replyToMessageId: i === 0 ? replyTo : undefined,
            keyboard: i === chunks.length - 1 ? keyboard : undefined,
          },
          chunk,
          key === undefined ? undefined : `${key}#${i}`,
        );
      }
      return { id: messageKey(last.chatId, last.messageId) };
    },

    async editStreamed(message, id, final) {
      const [first, ...rest] = renderChunks(message.text);
      if (!first) return;
      const split = id.lastIndexOf(':');
      const chatId = id.slice(0, split);
      const messageId = Number(id.slice(split + 1));
      try {
        await api.editMessageText(chatId, messageId, first.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
      } catch (error) {
        if (isNotModified(error)) return;
        if (!isParseError(error)) throw mapTelegramError(error, { chatId });
        await api.editMessageText(chatId, messageId, first.plain);
      }
      if (final) for (const chunk of rest) await sendChunk({ chatId, threadId: message.conversation.threadId }, chunk);
    },

    async editHtml(chatId, messageId, html, keyboard) {
      const options = { parse_mode: 'HTML' as const, reply_markup: keyboard, link_preview_options: { is_disabled: true } };
      try {
        await api.editMessageText(chatId, messageId, html, options);
      } catch (error) {
        if (isNotModified(error)) return; // agent-os#3181: the edit is already in place
        if (!isParseError(error)) throw mapTelegramError(error, { chatId });
        await api.editMessageText(chatId, messageId, visibleText(html), { reply_markup: keyboard });
      }
    },
  };
}
