/**
 * Telegram update payloads shaped like the Bot API sends them (field names, entity offsets
 * in UTF-16 units, chat types). Builders compute entities the way Telegram's server does:
 * a leading /command becomes a bot_command entity and each @username a mention entity.
 */
export const BOT = { id: 123456789, username: 'oyster_test_bot', first_name: 'Oyster' };

export interface FakeUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export const alice: FakeUser = { id: 1001, is_bot: false, first_name: 'Alice', last_name: 'Ng', username: 'alice_ng', language_code: 'en' };
export const bob: FakeUser = { id: 1002, is_bot: false, first_name: 'Bob', username: 'bobby', language_code: 'de' };
export const moderator: FakeUser = { id: 2001, is_bot: false, first_name: 'Mia', username: 'mia_mod', language_code: 'en' };
export const otherBot: FakeUser = { id: 777000111, is_bot: true, first_name: 'Helper', username: 'helper_bot' };
export const self: FakeUser = { id: BOT.id, is_bot: true, first_name: BOT.first_name, username: BOT.username };

export const GROUP_ID = -1001234567890;
export const MOD_CHAT_ID = -1009876543210;

export function privateChat(user: FakeUser) {
  return { id: user.id, type: 'private', first_name: user.first_name, ...(user.username ? { username: user.username } : {}) };
}

export function groupChat(id = GROUP_ID, extra: Record<string, unknown> = {}) {
  return { id, type: 'supergroup', title: 'Harbour Friends', ...extra };
}

type Entity = { type: string; offset: number; length: number; user?: FakeUser };

/** Entities as Telegram's server computes them for plain typed text. */
export function entitiesFor(text: string): Entity[] {
  const entities: Entity[] = [];
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}/g)) {
    entities.push({ type: 'mention', offset: m.index, length: m[0].length });
  }
  return entities;
}

let nextMessageId = 40;
let nextUpdateId = 9000;

export interface MessageOptions {
  chat: Record<string, unknown> & { id: number; type: string };
  from: FakeUser;
  text?: string;
  messageId?: number;
  updateId?: number;
  /** Extra Message fields (reply_to_message, photo, caption, message_thread_id, ...). */
  extra?: Record<string, unknown>;
}

export function message(o: MessageOptions): Record<string, unknown> {
  const text = o.text;
  const entities = text === undefined ? [] : entitiesFor(text);
  return {
    message_id: o.messageId ?? nextMessageId++,
    from: o.from,
    chat: o.chat,
    date: 1_760_000_000,
    ...(text !== undefined ? { text } : {}),
    ...(entities.length > 0 ? { entities } : {}),
    ...o.extra,
  };
}

export function update(payload: Record<string, unknown>, updateId = nextUpdateId++): Record<string, unknown> & { update_id: number } {
  return { update_id: updateId, ...payload };
}

export function privateText(from: FakeUser, text: string, extra: Partial<MessageOptions> = {}) {
  return update({ message: message({ chat: privateChat(from), from, text, ...extra }) }, extra.updateId);
}

export function groupText(from: FakeUser, text: string, extra: Partial<MessageOptions> = {}) {
  return update({ message: message({ chat: groupChat(), from, text, ...extra }) }, extra.updateId);
}

/** A message the bot sent earlier, as it appears inside reply_to_message. */
export function botMessage(chat: Record<string, unknown> & { id: number; type: string }, text: string, messageId = 7) {
  return { message_id: messageId, from: self, chat, date: 1_759_999_000, text };
}

export function callbackQuery(from: FakeUser, data: string, onMessage: { chatId: number; messageId: number; text?: string }) {
  return update({
    callback_query: {
      id: `cbq-${from.id}-${nextUpdateId}`,
      from,
      chat_instance: '-7261111111111111111',
      data,
      message: {
        message_id: onMessage.messageId,
        from: self,
        chat: groupChat(onMessage.chatId, { title: 'Moderators' }),
        date: 1_760_000_100,
        text: onMessage.text ?? 'alert',
      },
    },
  });
}
