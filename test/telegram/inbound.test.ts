/** Pure normalization of Telegram updates: no SDK, no network. */
import { describe, expect, it } from 'vitest';
import { classifyUpdate, normalizeUpdate, parseButtonData, type TelegramEvent, type TelegramUpdate } from '../../adapters/telegram/inbound.js';
import {
  alice, bob, BOT, botMessage, callbackQuery, groupChat, groupText, message, moderator, MOD_CHAT_ID, privateChat, privateText,
  self, update,
} from './fixtures.js';

const at = new Date('2025-06-01T12:00:00Z');
const classify = (u: unknown): TelegramEvent => classifyUpdate(u as TelegramUpdate, BOT, at);
const normalize = (u: unknown) => normalizeUpdate(u as TelegramUpdate, BOT, at);

describe('telegram inbound normalization', () => {
  it('turns a private text into a direct message addressed to the bot, keyed by chat and message id', () => {
    const m = normalize(privateText(alice, 'hello there', { messageId: 55 }));
    expect(m).toEqual({
      id: `${alice.id}:55`,
      conversation: { platform: 'telegram', channelId: String(alice.id) },
      author: { id: String(alice.id), displayName: 'Alice Ng', isBot: false, isSelf: false },
      text: 'hello there',
      isDirect: true,
      mentionsBot: true,
      receivedAt: at,
    });
  });

  it('sets the group as the community and strips a mention with its trailing comma', () => {
    const m = normalize(groupText(alice, `@${BOT.username}, are you around?`));
    expect(m?.conversation.communityId).toBe(String(groupChat().id));
    expect(m?.mentionsBot).toBe(true);
    expect(m?.text).toBe('are you around?');
  });

  it('matches the mention case-insensitively and counts offsets in UTF-16 units', () => {
    const m = normalize(groupText(alice, '🌊 @Oyster_Test_Bot can we talk'));
    expect(m?.mentionsBot).toBe(true);
    expect(m?.text).toBe('🌊 can we talk');
  });

  it('does not treat a mention of another user as a mention of the bot', () => {
    const m = normalize(groupText(alice, '@bobby are you coming tonight?'));
    expect(m?.mentionsBot).toBe(false);
    expect(m?.text).toBe('@bobby are you coming tonight?');
  });

  it('recognises a text_mention of the bot (a mention by name, without @username)', () => {
    const u = update({
      message: message({ chat: groupChat(), from: alice, text: 'Oyster what do you think',
        extra: { entities: [{ type: 'text_mention', offset: 0, length: 6, user: self }] } }),
    });
    expect(normalize(u)).toMatchObject({ mentionsBot: true, text: 'what do you think' });
  });

  it('treats a reply to one of the bot messages as addressed to it', () => {
    const chat = groupChat();
    const m = normalize(groupText(bob, 'thanks, that helped', { extra: { reply_to_message: botMessage(chat, 'earlier answer') } }));
    expect(m?.mentionsBot).toBe(true);
  });

  it('does not treat a reply to another member as addressed to the bot', () => {
    const chat = groupChat();
    const reply = { message_id: 9, from: alice, chat, date: 1, text: 'hi' };
    expect(normalize(groupText(bob, 'hi back', { extra: { reply_to_message: reply } }))?.mentionsBot).toBe(false);
  });

  it('maps a forum topic to a thread and ignores the implicit reply to the topic opener', () => {
    const chat = groupChat(undefined, { is_forum: true });
    const opener = { ...botMessage(chat, '', 77), forum_topic_created: { name: 'Support', icon_color: 7322096 } };
    const m = normalize(groupText(alice, 'posting in the support topic', {
      extra: { message_thread_id: 77, is_topic_message: true, reply_to_message: opener },
    }));
    expect(m?.conversation.threadId).toBe('77');
    expect(m?.mentionsBot).toBe(false);
  });

  it('keeps plain supergroup reply chains in the main conversation (no thread without a forum topic)', () => {
    const reply = { message_id: 9, from: bob, chat: groupChat(), date: 1, text: 'hi' };
    const m = normalize(groupText(alice, 'reply', { extra: { message_thread_id: 9, reply_to_message: reply } }));
    expect(m?.conversation.threadId).toBeUndefined();
  });

  it('reads the caption of a photo as the message text, mention stripped', () => {
    const caption = `@${BOT.username} look at this`;
    const u = update({
      message: message({ chat: groupChat(), from: alice, extra: {
        photo: [{ file_id: 'AgAD', file_unique_id: 'u1', width: 90, height: 90 }],
        caption, caption_entities: [{ type: 'mention', offset: 0, length: BOT.username.length + 1 }],
      } }),
    });
    expect(normalize(u)).toMatchObject({ text: 'look at this', mentionsBot: true });
  });

  it('passes a sticker in a private chat on as an empty message for the engine to answer, and drops one in a group', () => {
    const sticker = { sticker: { file_id: 'CAAC', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } };
    const inPrivate = classify(update({ message: message({ chat: privateChat(alice), from: alice, messageId: 12, extra: sticker }) }));
    expect(inPrivate).toMatchObject({
      kind: 'message',
      message: { id: `${alice.id}:12`, text: '', isDirect: true, mentionsBot: true, conversation: { channelId: String(alice.id) } },
    });
    const inGroup = classify(update({ message: message({ chat: groupChat(), from: alice, extra: sticker }) }));
    expect(inGroup).toEqual({ kind: 'ignore', reason: 'media-in-group' });
  });

  it('ignores edited messages, service messages and automatic forwards from a linked channel', () => {
    expect(classify(update({ edited_message: message({ chat: privateChat(alice), from: alice, text: 'edit' }) }))).toEqual({ kind: 'ignore', reason: 'edited' });
    expect(classify(update({ message: message({ chat: groupChat(), from: alice, extra: { new_chat_members: [bob] } }) }))).toEqual({ kind: 'ignore', reason: 'service' });
    expect(classify(groupText(alice, 'channel post', { extra: { is_automatic_forward: true } }))).toEqual({ kind: 'ignore', reason: 'automatic-forward' });
  });

  it('flags its own messages and other bots so the engine drops them', () => {
    expect(normalize(groupText(self, 'mine'))?.author.isSelf).toBe(true);
    expect(normalize(groupText({ id: 5, is_bot: true, first_name: 'B' }, 'beep'))?.author.isBot).toBe(true);
  });

  it('treats an anonymous group admin as a person speaking for the group', () => {
    const chat = groupChat();
    const u = groupText({ id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' }, `@${BOT.username} hi`, {
      extra: { sender_chat: chat },
    });
    expect(normalize(u)?.author).toEqual({ id: String(chat.id), displayName: 'Harbour Friends', isBot: false, isSelf: false });
  });

  it('routes the bot commands to onCommand with lowercase names and arguments', () => {
    expect(classify(privateText(alice, '/start support'))).toMatchObject({ kind: 'command', name: 'start', args: ['support'], isDirect: true });
    expect(classify(groupText(alice, `/Country@${BOT.username} de`))).toMatchObject({ kind: 'command', name: 'country', args: ['de'], isDirect: false });
    expect(classify(groupText(moderator, '/case resolve 12 false_positive'))).toMatchObject({
      kind: 'command', name: 'case', args: ['resolve', '12', 'false_positive'], actor: { id: String(moderator.id), displayName: 'Mia', roleIds: [] },
    });
  });

  it('leaves commands for other bots alone and passes unknown commands to the engine as text', () => {
    expect(classify(groupText(alice, '/help@other_helper_bot'))).toMatchObject({ kind: 'message', message: { mentionsBot: false } });
    // "/word" that is not ours is still text the risk screen must read.
    expect(classify(privateText(alice, '/goodbye everyone'))).toMatchObject({ kind: 'message', message: { text: '/goodbye everyone' } });
  });

  it('maps moderator buttons to case commands and ignores unknown button data', () => {
    const ev = classify(callbackQuery(moderator, 'case:ack:12', { chatId: MOD_CHAT_ID, messageId: 900 }));
    expect(ev).toMatchObject({
      kind: 'button', command: { name: 'case', args: ['ack', '12'] }, isDirect: false,
      conversation: { platform: 'telegram', channelId: String(MOD_CHAT_ID) }, target: { chatId: MOD_CHAT_ID, messageId: 900 },
    });
    expect(parseButtonData('case:delete:12')).toBeUndefined();
    expect(parseButtonData('case:ack:12; drop')).toBeUndefined();
  });

  it('tracks whether a user has blocked or restarted the bot in private', () => {
    const member = (status: string) => update({
      my_chat_member: { chat: privateChat(alice), from: alice, date: 1,
        old_chat_member: { status: 'member', user: self }, new_chat_member: { status, user: self, until_date: 0 } },
    });
    expect(classify(member('kicked'))).toEqual({ kind: 'dm-status', userId: String(alice.id), open: false });
    expect(classify(member('member'))).toEqual({ kind: 'dm-status', userId: String(alice.id), open: true });
  });
});
