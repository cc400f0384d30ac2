/**
 * Outbound calls on the grammy Api: chunked sends with a plain-text fallback, alert posts
 * and edits. Rendering lives in outbound.ts; this file only talks to Telegram.
 */
import type { Api } from 'grammy';
import { BotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { OutboundMessage } from '../../src/messages.js';
import { isNotModified, isParseError, mapTelegramError, migratedChatId } from './errors.js';
import { messageKey } from './inbound.js';
import type { InlineKeyboard } from './moderator.js';
import { deepLink, renderChunks, visibleText, type TelegramChunk } from './outbound.js';

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
  /** Sends one chunk, HTML first, resending as plain text on a parse error. Resolves with the message id. */
  sendChunk(target: SendTarget, chunk: TelegramChunk): Promise<{ chatId: string; messageId: number }>;
  /** Renders, splits and sends; `keyboard` goes under the last part. */
  send(message: OutboundMessage, botUsername: string | undefined, keyboard?: InlineKeyboard): Promise<{ id: string }>;
  editHtml(chatId: number, messageId: number, html: string, keyboard: InlineKeyboard): Promise<void>;
  /**
   * A streamed reply's next text (`id` from send): editMessageText on the first part; on the
   * final edit the parts past Telegram's limit follow as new messages.
   */
  editStreamed(message: OutboundMessage, id: string, final: boolean): Promise<void>;
}

export function createSender(api: Api, logger: Logger, onDirectRefused: (chatId: string) => void): Sender {
  async function sendOnce(target: SendTarget, text: string, html: boolean): Promise<number> {
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

  async function sendChunk(target: SendTarget, chunk: TelegramChunk): Promise<{ chatId: string; messageId: number }> {
    let current = target;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return { chatId: current.chatId, messageId: await sendOnce(current, chunk.html, true) };
      } catch (error) {
        if (isParseError(error)) {
          // PLATFORMS.md §4.1: on a parse error, resend that chunk as plain text and log it.
          logger.warn('telegram rejected our HTML; resending as plain text', { chatId: current.chatId });
          try {
            return { chatId: current.chatId, messageId: await sendOnce(current, chunk.plain, false) };
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
          ? { inline_keyboard: [[{ text: 'Talk to me privately', url: deepLink(botUsername) }]] }
          : extraKeyboard;
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
