/**
 * The Telegram adapter's own words when a button's command fails: the core wrote no reply, so the
 * presser's Telegram app language (from.language_code) chooses; the group note that a private
 * answer went by DM follows the answer's language (CommandReply.locale). From the bot's real texts
 * (policies/texts/), through real grammy against the fake Bot API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadModelPolicy } from '../../src/policy/model-policy.js';
import { waitFor } from '../helpers/wait-for.js';
import { callbackQuery, GROUP_ID, groupText, MOD_CHAT_ID, privateText, type FakeUser } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

const policy = loadModelPolicy('policies');
const ola: FakeUser = { id: 1003, is_bot: false, first_name: 'Ola', username: 'ola_k', language_code: 'pl' };

describe('telegram adapter texts in the presser\'s language', () => {
  it('tells a Polish presser in Polish that the button did not work when the core fails', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    // The handlers main.ts builds give the adapter the bot's texts by language.
    h.handlers.notes = (tag) => policy.texts(tag ?? 'en');
    h.handlers.reply = () => { throw new Error('the store is down'); };
    h.fake.pushUpdate(callbackQuery(ola, 'case:ack:12', { chatId: MOD_CHAT_ID, messageId: 5 }));
    const answer = await waitFor(() => h!.fake.callsOf('answerCallbackQuery')[0]);
    expect(answer.payload).toMatchObject({ text: policy.texts('pl').command_failed, show_alert: true });
    expect(answer.payload).toMatchObject({ text: 'Coś poszło nie tak po mojej stronie. Spróbuj ponownie za chwilę.' });
  });

  it('says in the group, in the language of the answer, that a private answer went by direct message', async () => {
    h = await startHarness();
    h.handlers.notes = (tag) => policy.texts(tag ?? 'en');
    h.handlers.reply = () => ({ text: 'Twoje dane: …', ok: true, private: true, locale: 'pl' });
    // Ola has a private chat with the bot, so the answer can go there.
    h.fake.pushUpdate(privateText(ola, 'cześć'));
    await waitFor(() => h!.handlers.messages.length === 1);
    h.fake.pushUpdate(groupText(ola, '/export', { messageId: 62 }));
    const note = await waitFor(() => h!.fake.sent.find((s) => s.chatId === String(GROUP_ID)));
    expect(note.visible).toBe('Wysłałem ci to w naszych wiadomościach prywatnych.');
    expect(h.fake.sent.find((s) => s.chatId === String(ola.id))?.visible).toBe('Twoje dane: …');
  });

  it('labels the /forget button and invites a private chat in the language of the answer (Spanish)', async () => {
    h = await startHarness();
    h.handlers.notes = (tag) => policy.texts(tag ?? 'en');
    h.handlers.reply = () => ({ text: 'Esto borra todo. ¿Seguro?', ok: true, private: true, locale: 'es' });
    const lucia: FakeUser = { id: 1004, is_bot: false, first_name: 'Lucía', username: 'lucia_m', language_code: 'es' };
    h.fake.pushUpdate(privateText(lucia, '/forget'));
    const prompt = await waitFor(() => h!.fake.sent.find((s) => s.chatId === String(lucia.id)));
    expect(prompt.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Sí, borrar mis datos', callback_data: 'forget:confirm' }]] });

    // Someone the bot cannot message privately asks in a group: a Spanish invitation with the deep link.
    const pablo: FakeUser = { id: 1005, is_bot: false, first_name: 'Pablo', username: 'pablo_r', language_code: 'es' };
    h.fake.pushUpdate(groupText(pablo, '/export', { messageId: 63 }));
    const invite = await waitFor(() => h!.fake.sent.find((s) => s.chatId === String(GROUP_ID)));
    expect(invite.visible).toContain('Solo puedo responder a eso en un chat privado.');
    expect(invite.text).toContain('href="https://t.me/oyster_test_bot?start=support"');
  });
});
