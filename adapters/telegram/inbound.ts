/**
 * Pure normalization of Telegram updates into the core model. No SDK calls, no state: the
 * same update always gives the same event, which is what makes redeliveries collide.
 *
 * Documented behaviour for what is not plain text:
 * - captions count as text (a photo with a caption is a message);
 * - stickers, photos, voice notes and other media without text: in a private chat, a message
 *   with empty text, which the engine answers with its short "I didn't catch any text" note
 *   (policies/model.yaml, so the wording stays data); in a group, silence;
 * - edited messages, channel posts, automatic forwards from a linked channel and service
 *   messages (joins, pins, topic changes) are ignored;
 * - only the six bot commands go to onCommand; any other "/word" is an ordinary message, so
 *   the risk screen still reads it.
 */
import type { CallbackQuery, Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import type { ConversationRef, InboundMessage } from '../../src/messages.js';
import type { Actor } from '../../src/ports.js';

export const PLATFORM = 'telegram';

/** The Bot API Update type, re-exported so tests and fixtures need not import grammy. */
export type { Update as TelegramUpdate } from 'grammy/types';

/** The bot's own identity (from getMe). */
export interface BotIdentity {
  id: number;
  username: string;
}

/** Commands routed to onCommand; the rest of "/..." is text for the engine. */
export const COMMANDS = ['start', 'help', 'forget', 'country', 'export', 'case'] as const;

/** Message kinds that carry content we cannot read; anything else without text is a service message. */
const MEDIA_KEYS = [
  'sticker', 'photo', 'voice', 'video', 'video_note', 'animation', 'document', 'audio',
  'location', 'venue', 'contact', 'poll', 'dice', 'game', 'story', 'paid_media',
] as const;

export type TelegramEvent =
  | { kind: 'message'; message: InboundMessage }
  | {
      kind: 'command';
      name: string;
      args: string[];
      actor: Actor;
      conversation: ConversationRef;
      isDirect: boolean;
      messageId: string;
    }
  | {
      kind: 'button';
      callbackQueryId: string;
      /** Undefined for data we do not recognise (an old keyboard): answer and do nothing. */
      command: { name: string; args: string[] } | undefined;
      actor: Actor;
      conversation: ConversationRef | undefined;
      isDirect: boolean;
      /** The message carrying the keyboard, to edit in place. */
      target: { chatId: number; messageId: number } | undefined;
      /** The presser's Telegram app language (from.language_code), for words the core did not write. */
      languageCode?: string;
    }
  /** The user blocked (open: false) or restarted (open: true) the bot in their private chat. */
  | { kind: 'dm-status'; userId: string; open: boolean }
  | { kind: 'ignore'; reason: string };

/** `${chat.id}:${message_id}`: message ids are unique only within a chat (Bot API Message). */
export function messageKey(chatId: number | string, messageId: number | string): string {
  return `${chatId}:${messageId}`;
}

function conversationOf(chat: Chat, message?: Message): ConversationRef {
  const ref: ConversationRef = { platform: PLATFORM, channelId: String(chat.id) };
  // Forum topics are threads. Only is_topic_message marks one: in plain supergroups
  // message_thread_id also appears on reply chains, which are not separate conversations.
  if (message?.is_topic_message && message.message_thread_id !== undefined) {
    ref.threadId = String(message.message_thread_id);
  }
  if (chat.type === 'group' || chat.type === 'supergroup') ref.communityId = String(chat.id);
  return ref;
}

function displayName(user: User): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || (user.username ? `@${user.username}` : String(user.id));
}

function actorOf(user: User): Actor {
  return { id: String(user.id), displayName: displayName(user), roleIds: [] };
}

function isMentionOf(entity: MessageEntity, text: string, me: BotIdentity): boolean {
  if (entity.type === 'text_mention') return entity.user.id === me.id;
  if (entity.type !== 'mention') return false;
  return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === `@${me.username.toLowerCase()}`;
}

/** Removes mentions of the bot (entity offsets are UTF-16 units, as in JS strings) and tidies the gap. */
function stripMentions(text: string, spans: MessageEntity[]): string {
  let out = text;
  for (const e of [...spans].sort((a, b) => b.offset - a.offset)) {
    let end = e.offset + e.length;
    if (/[,:]/.test(out[end] ?? '')) end++; // "@bot, are you there?"
    const before = out.slice(0, e.offset);
    let after = out.slice(end);
    if ((before === '' || /\s$/.test(before)) && /^[ \t]/.test(after)) after = after.slice(1);
    out = before + after;
  }
  return out.trim();
}

/** A reply to the bot, but not the implicit reply to a forum topic's first message. */
function repliesToBot(message: Message, me: BotIdentity): boolean {
  const replied = message.reply_to_message;
  if (!replied || replied.forum_topic_created) return false;
  if (message.is_topic_message && replied.message_id === message.message_thread_id) return false;
  return replied.from?.id === me.id;
}

/** "/country@oyster_bot de" → { name: 'country', args: ['de'] }, or undefined when not ours. */
function parseCommand(text: string, entities: MessageEntity[], me: BotIdentity): { name: string; args: string[] } | undefined {
  const first = entities[0];
  if (!first || first.type !== 'bot_command' || first.offset !== 0) return undefined;
  const [word, target] = text.slice(1, first.length).split('@');
  if (target !== undefined && target.toLowerCase() !== me.username.toLowerCase()) return undefined;
  const name = (word ?? '').toLowerCase();
  if (!(COMMANDS as readonly string[]).includes(name)) return undefined;
  const args = text.slice(first.length).trim().split(/\s+/).filter(Boolean);
  return { name, args };
}

function normalizeMessage(message: Message, me: BotIdentity, receivedAt: Date): TelegramEvent {
  const chat = message.chat;
  if (chat.type === 'channel') return { kind: 'ignore', reason: 'channel' };
  // A linked channel's post mirrored into its discussion group: nobody wrote to us.
  if (message.is_automatic_forward) return { kind: 'ignore', reason: 'automatic-forward' };
  const isDirect = chat.type === 'private';
  const conversation = conversationOf(chat, message);
  const id = messageKey(chat.id, message.message_id);
  const text = message.text ?? message.caption;
  const entities = (message.text !== undefined ? message.entities : message.caption_entities) ?? [];
  const from = message.from;

  if (text === undefined) {
    const isMedia = MEDIA_KEYS.some((k) => k in message);
    if (!isMedia) return { kind: 'ignore', reason: 'service' };
    if (!isDirect) return { kind: 'ignore', reason: 'media-in-group' };
  }

  const command = from && !from.is_bot && text !== undefined ? parseCommand(text, entities, me) : undefined;
  if (command && from) {
    return { kind: 'command', ...command, actor: actorOf(from), conversation, isDirect, messageId: id };
  }

  // Anonymous group admins and channels speaking in a group arrive with sender_chat and a
  // placeholder bot user in `from`; they are people, so the sender chat is the author.
  const author = message.sender_chat
    ? { id: String(message.sender_chat.id), displayName: message.sender_chat.title ?? 'anonymous', isBot: false, isSelf: false }
    : from
      ? { id: String(from.id), displayName: displayName(from), isBot: from.is_bot, isSelf: from.id === me.id }
      : undefined;
  if (!author) return { kind: 'ignore', reason: 'no-author' };

  const mentions = text === undefined ? [] : entities.filter((e) => isMentionOf(e, text, me));
  const mentionsBot = isDirect || mentions.length > 0 || repliesToBot(message, me);
  return {
    kind: 'message',
    message: {
      id,
      conversation,
      author,
      text: text === undefined ? '' : stripMentions(text, mentions),
      isDirect,
      mentionsBot,
      receivedAt,
    },
  };
}

/** Data of the confirmation button under the /forget prompt. */
export const FORGET_CONFIRM_DATA = 'forget:confirm';

/**
 * "case:ack:12" → case ack 12; "forget:confirm" → forget confirm. Callback data is at most
 * 64 bytes (Bot API) and comes from the client, so anything else is refused.
 */
export function parseButtonData(data: string | undefined): { name: string; args: string[] } | undefined {
  if (data === FORGET_CONFIRM_DATA) return { name: 'forget', args: ['confirm'] };
  const m = /^case:(ack|resolve):(\d{1,12})$/.exec(data ?? '');
  return m ? { name: 'case', args: [m[1]!, m[2]!] } : undefined;
}

function normalizeCallback(query: CallbackQuery): TelegramEvent {
  const message = query.message;
  return {
    kind: 'button',
    callbackQueryId: query.id,
    command: parseButtonData(query.data),
    actor: actorOf(query.from),
    // An inaccessible (too old) message has date 0 and no content (Bot API InaccessibleMessage).
    conversation: message ? conversationOf(message.chat, message.date === 0 ? undefined : (message as Message)) : undefined,
    isDirect: message?.chat.type === 'private',
    target: message ? { chatId: message.chat.id, messageId: message.message_id } : undefined,
    ...(query.from.language_code ? { languageCode: query.from.language_code } : {}),
  };
}

/** One update → one event. `receivedAt` is passed in to keep this pure. */
export function classifyUpdate(update: Update, me: BotIdentity, receivedAt: Date): TelegramEvent {
  if (update.message) return normalizeMessage(update.message, me, receivedAt);
  if (update.callback_query) return normalizeCallback(update.callback_query);
  if (update.my_chat_member && update.my_chat_member.chat.type === 'private') {
    const status = update.my_chat_member.new_chat_member.status;
    return { kind: 'dm-status', userId: String(update.my_chat_member.from.id), open: status === 'member' };
  }
  if (update.edited_message) return { kind: 'ignore', reason: 'edited' };
  return { kind: 'ignore', reason: 'unsupported-update' };
}

/** The contract's view: an update → the normalized message, or undefined when it is not one. */
export function normalizeUpdate(update: Update, me: BotIdentity, receivedAt = new Date()): InboundMessage | undefined {
  const event = classifyUpdate(update, me, receivedAt);
  return event.kind === 'message' ? event.message : undefined;
}
