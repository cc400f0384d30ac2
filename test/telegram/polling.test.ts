/**
 * The real grammy Bot in long-polling mode against the fake Bot API on 127.0.0.1: what
 * reaches the core, and what the adapter sends back (PLATFORMS.md §4.2).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withDedupe } from '../../src/crisis/sink-dedupe.js';
import { BotError } from '../../src/errors.js';
import type { AlertView } from '../../src/ports.js';
import { waitFor } from '../helpers/wait-for.js';
import { visibleOf } from '../fakes/fake-telegram.js';
import { alice, bob, callbackQuery, GROUP_ID, groupText, message, moderator, MOD_CHAT_ID, privateChat, privateText, update } from './fixtures.js';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { silentLogger } from '../../src/logger.js';
import { recordingHandlers, startHarness, testConfig, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const groupConv = { platform: 'telegram', channelId: String(GROUP_ID), communityId: String(GROUP_ID) };

describe('telegram adapter, long polling', () => {
  it('initialises with getMe, clears a webhook and long-polls only the updates it handles', async () => {
    h = await startHarness();
    const poll = await waitFor(() => h!.fake.callsOf('getUpdates')[0], { what: 'getUpdates' });
    expect(h.fake.callsOf('getMe')).toHaveLength(1);
    expect(h.fake.callsOf('deleteWebhook')).toHaveLength(1);
    expect(poll.payload).toMatchObject({ timeout: 1, allowed_updates: ['message', 'callback_query', 'my_chat_member'] });
  });

  it('registers the user commands, and the case command only in the moderator chat', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    const [all, mods] = h.fake.callsOf('setMyCommands');
    const names = (c: typeof all) => (c!.payload.commands as Array<{ command: string }>).map((x) => x.command);
    expect(names(all)).toEqual(['start', 'help', 'forget', 'country', 'language', 'export']);
    expect(mods!.payload.scope).toEqual({ type: 'chat', chat_id: String(MOD_CHAT_ID) });
    expect(names(mods)).toEqual(['start', 'help', 'forget', 'country', 'language', 'export', 'case']);
  });

  it('hands a private message to the core and sends the answer as an HTML reply to it', async () => {
    h = await startHarness();
    h.fake.pushUpdate(privateText(alice, 'hi there', { messageId: 70 }));
    const m = await waitFor(() => h!.handlers.messages[0], { what: 'onMessage' });
    expect(m).toMatchObject({ id: `${alice.id}:70`, isDirect: true, mentionsBot: true, text: 'hi there' });
    const { id } = await h.adapter.send({ conversation: m.conversation, text: 'Hello **Alice** <3', replyToId: m.id, kind: 'reply' });
    const sent = h.fake.sent.at(-1)!;
    expect(id).toBe(`${alice.id}:${sent.messageId}`);
    expect(sent).toMatchObject({ chatId: String(alice.id), text: 'Hello <b>Alice</b> &lt;3', parseMode: 'HTML', replyTo: 70 });
  });

  it('hands a redelivered message to the core once', async () => {
    h = await startHarness();
    const first = privateText(alice, 'only once please', { messageId: 71 });
    // The same message in a second update (a retry after a lost confirmation).
    h.fake.pushUpdate(first);
    h.fake.pushUpdate({ ...structuredClone(first), update_id: first.update_id + 1 });
    h.fake.pushUpdate(privateText(alice, 'next', { messageId: 72, updateId: first.update_id + 2 }));
    await waitFor(() => h!.handlers.messages.some((m) => m.text === 'next'), { what: 'third message' });
    expect(h.handlers.messages.map((m) => m.text)).toEqual(['only once please', 'next']);
  });

  it('does not block other users while one handler is slow', async () => {
    h = await startHarness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.handlers.onEachMessage = (m) => (m.text === 'slow' ? gate : undefined);
    h.fake.pushUpdate(privateText(alice, 'slow'));
    await waitFor(() => h!.handlers.messages.length === 1);
    h.fake.pushUpdate(privateText(bob, 'urgent'));
    await waitFor(() => h!.handlers.messages.some((m) => m.text === 'urgent'), { what: 'second user while first is busy' });
    release();
  });

  it('splits a long answer into several messages of at most 4096 characters that join back to the whole', async () => {
    h = await startHarness();
    h.fake.startedBy(alice.id);
    const paragraph = 'Grounding: name five things you can see & four you can hear. '.repeat(20).trim();
    const long = Array.from({ length: 10 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n');
    await h.adapter.send({ conversation: { platform: 'telegram', channelId: String(alice.id) }, text: long, kind: 'reply' });
    const parts = h.fake.sent;
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.visible.length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.visible).join('\n\n')).toBe(long);
  });

  it('waits retry_after on a 429 and then delivers the message', async () => {
    h = await startHarness();
    h.fake.startedBy(alice.id);
    h.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    await h.adapter.send({ conversation: { platform: 'telegram', channelId: String(alice.id) }, text: 'after the wait', kind: 'reply' });
    const [refused, accepted] = h.fake.callsOf('sendMessage');
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950);
    expect(h.fake.sent.map((s) => s.visible)).toEqual(['after the wait']);
  });

  it('gives up with PLATFORM_RATE_LIMITED when Telegram asks for a longer wait than allowed', async () => {
    h = await startHarness({ maxRetryAfterSeconds: 5 });
    h.fake.startedBy(alice.id);
    h.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } });
    const error = await h.adapter.send({ conversation: { platform: 'telegram', channelId: String(alice.id) }, text: 'x', kind: 'reply' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', retryAfterMs: 30_000 });
  });

  it('resends a chunk as plain text when Telegram cannot parse its HTML', async () => {
    h = await startHarness();
    h.fake.startedBy(alice.id);
    h.fake.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 3" });
    await h.adapter.send({ conversation: { platform: 'telegram', channelId: String(alice.id) }, text: '**Call** [the line](https://example.org)', kind: 'reply' });
    expect(h.fake.sent).toHaveLength(1);
    expect(h.fake.sent[0]).toMatchObject({ parseMode: undefined, text: 'Call the line (https://example.org)' });
  });

  it('opens a private chat only with users who wrote to the bot privately, and maps a refused DM to PLATFORM_PERMISSION', async () => {
    h = await startHarness();
    expect(await h.adapter.openDirect(String(bob.id))).toBeUndefined();
    const refused = await h.adapter.send({ conversation: { platform: 'telegram', channelId: String(bob.id) }, text: 'hi', kind: 'resources' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'PLATFORM_PERMISSION' });

    h.fake.pushUpdate(privateText(alice, '/start'));
    await waitFor(() => h!.handlers.commands.length === 1);
    expect(await h.adapter.openDirect(String(alice.id))).toEqual({ platform: 'telegram', channelId: String(alice.id) });
  });

  it('sends a group crisis note without quoting the user, with a deep link to a private chat', async () => {
    h = await startHarness();
    await h.adapter.send({ conversation: groupConv, text: "I'm sorry you're going through this.", replyToId: `${GROUP_ID}:88`, kind: 'public-note' });
    const note = h.fake.sent[0]!;
    expect(note.replyTo).toBeUndefined();
    expect(note.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Talk to me privately', url: 'https://t.me/oyster_test_bot?start=support' }]] });
  });

  it('sends replies into the forum topic they came from', async () => {
    h = await startHarness();
    await h.adapter.send({ conversation: { ...groupConv, threadId: '77' }, text: 'in the topic', kind: 'reply' });
    expect(h.fake.sent[0]!.threadId).toBe(77);
  });

  it('hands a sticker in a private chat to the core as an empty message, and drops one in a group', async () => {
    h = await startHarness();
    const sticker = { sticker: { file_id: 'CAAC', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } };
    h.fake.pushUpdate(update({ message: message({ chat: { id: GROUP_ID, type: 'supergroup', title: 'G' }, from: bob, extra: sticker }) }));
    h.fake.pushUpdate(update({ message: message({ chat: privateChat(alice), from: alice, messageId: 90, extra: sticker }) }));
    const m = await waitFor(() => h!.handlers.messages[0], { what: 'sticker message' });
    expect(m).toMatchObject({ id: `${alice.id}:90`, text: '', isDirect: true });
    expect(h.handlers.messages).toHaveLength(1);
    expect(await h.adapter.openDirect(String(alice.id))).toBeDefined();
  });

  it('passes an unaddressed group message on as not addressed to the bot, so the core can stay silent', async () => {
    h = await startHarness();
    h.fake.pushUpdate(groupText(alice, 'anyone seen my umbrella?'));
    const m = await waitFor(() => h!.handlers.messages[0]);
    expect(m).toMatchObject({ isDirect: false, mentionsBot: false, conversation: groupConv });
  });

  it('never posts a private command answer in the group; without a DM it invites one instead', async () => {
    h = await startHarness();
    h.handlers.reply = () => ({ text: 'Your data: secret stuff', ok: true, private: true });
    h.fake.pushUpdate(groupText(bob, '/export', { messageId: 60 }));
    const invite = await waitFor(() => h!.fake.sent[0]);
    expect(invite.chatId).toBe(String(GROUP_ID));
    expect(invite.visible).not.toContain('secret stuff');
    expect(invite.text).toContain('href="https://t.me/oyster_test_bot?start=support"');

    h.fake.pushUpdate(privateText(bob, 'hello'));
    await waitFor(() => h!.handlers.messages.length === 1);
    h.fake.pushUpdate(groupText(bob, '/export', { messageId: 61 }));
    const dm = await waitFor(() => h!.fake.sent.find((s) => s.chatId === String(bob.id)));
    expect(dm.visible).toBe('Your data: secret stuff');
    await waitFor(() => h!.fake.sent.some((s) => s.chatId === String(GROUP_ID) && /private message/.test(s.visible)));
  });

  it('asks for confirmation on /forget with a button, and deletes only when that button is pressed', async () => {
    h = await startHarness();
    h.handlers.reply = (c) => c.args[0] === 'confirm'
      ? { text: 'Deleted 4 records.', ok: true, private: true }
      : { text: 'This deletes everything I stored about you. Sure?', ok: true, private: true };
    h.fake.pushUpdate(privateText(alice, '/forget'));
    const prompt = await waitFor(() => h!.fake.sent[0]);
    expect(h.handlers.commands.map((c) => c.args)).toEqual([[]]);
    expect(prompt.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Yes, delete my data', callback_data: 'forget:confirm' }]] });

    const press = callbackQuery(alice, 'forget:confirm', { chatId: alice.id, messageId: prompt.messageId });
    (press.callback_query as { message: { chat: unknown } }).message.chat = privateChat(alice);
    h.fake.pushUpdate(press);
    await waitFor(() => prompt.edits === 1, { what: 'prompt edited' });
    expect(h.handlers.commands[1]).toMatchObject({ name: 'forget', args: ['confirm'], actor: { id: String(alice.id) }, isDirect: true });
    expect(prompt.visible).toBe('Deleted 4 records.');
    expect(prompt.replyMarkup).toEqual({ inline_keyboard: [] });
  });

  it("shows a moderator's private case answer in the staff chat itself, not in public groups", async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    h.handlers.reply = () => ({ text: '#12 · imminent · open', ok: true, private: true });
    h.fake.pushUpdate(update({ message: message({ chat: { id: MOD_CHAT_ID, type: 'supergroup', title: 'Mods' }, from: moderator, text: '/case list', messageId: 15 }) }));
    const answer = await waitFor(() => h!.fake.sent[0]);
    expect(answer).toMatchObject({ chatId: String(MOD_CHAT_ID), visible: '#12 · imminent · open', replyTo: 15 });
    h.fake.pushUpdate(groupText(moderator, '/case list', { messageId: 16 }));
    const elsewhere = await waitFor(() => h!.fake.sent[1]);
    expect(elsewhere.chatId).toBe(String(GROUP_ID));
    expect(elsewhere.visible).not.toContain('imminent');
  });

  it('renews the typing indicator until stopped', async () => {
    h = await startHarness({ typingRenewMs: 60 });
    const typingIn = (chat: number) => h!.fake.callsOf('sendChatAction').filter((c) => (c.payload as { chat_id?: unknown }).chat_id === String(chat)).length;
    const stop = h.adapter.startTyping!({ platform: 'telegram', channelId: String(alice.id) });
    await waitFor(() => typingIn(alice.id) >= 3, { what: 'three typing calls' });
    stop();
    const count = typingIn(alice.id);
    // The clock for "no more renewals": typing started now for Bob renews on the same interval;
    // after his third call, Alice's stopped indicator would have renewed at least twice.
    const stopBob = h.adapter.startTyping!({ platform: 'telegram', channelId: String(bob.id) });
    await waitFor(() => typingIn(bob.id) >= 3, { what: 'three typing calls for Bob' });
    stopBob();
    expect(typingIn(alice.id)).toBe(count);
    expect(h.fake.callsOf('sendChatAction')[0]!.payload).toMatchObject({ chat_id: String(alice.id), action: 'typing' });
  });

  it('keeps polling after a 409 conflict, backing off instead of spinning', async () => {
    h = await startHarness({ pollRetryMs: 200 });
    await waitFor(() => h!.fake.callsOf('getUpdates').length >= 1);
    h.fake.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
    // Wake the held long poll so the next getUpdates hits the scripted 409.
    h.fake.pushUpdate(privateText(alice, 'before'));
    await waitFor(() => h!.handlers.messages.length === 1);
    h.fake.pushUpdate(privateText(alice, 'after the conflict'));
    await waitFor(() => h!.handlers.messages.some((m) => m.text === 'after the conflict'), { what: 'message after 409' });
    const calls = h.fake.callsOf('getUpdates');
    const conflict = calls.findIndex((c) => c.failedWith?.error_code === 409);
    expect(conflict).toBeGreaterThan(0);
    // The poll after the 409 waited out the backoff (200 ms plus jitter) rather than spinning.
    expect(calls[conflict + 1]!.at - calls[conflict]!.at).toBeGreaterThanOrEqual(190);
  });

  it('stops polling on stop() and confirms the last update', async () => {
    h = await startHarness();
    h.fake.pushUpdate(privateText(alice, 'last one'));
    await waitFor(() => h!.handlers.messages.length === 1);
    await h.adapter.stop();
    const after = h.fake.callsOf('getUpdates').length;
    const last = h.fake.callsOf('getUpdates').at(-1)!;
    expect(last.payload).toMatchObject({ limit: 1 });
    // Proof of silence without a fixed wait: an update queued now is taken by whoever polls
    // first. A stopped loop that still polled would take it at once (its long poll wakes); a
    // second bot started on the same API afterwards must be the one that receives it.
    h.fake.pushUpdate(privateText(alice, 'for the next run'));
    const next = createTelegramAdapter(testConfig(h.fake), { logger: silentLogger });
    const nextHandlers = recordingHandlers();
    await next.start(nextHandlers);
    try {
      await waitFor(() => nextHandlers.messages.some((m) => m.text === 'for the next run'), { timeoutMs: 10_000, what: 'the queued update at the second bot' });
    } finally {
      await next.stop();
    }
    expect(h.handlers.messages.map((m) => m.text)).toEqual(['last one']);
    // The first getUpdates after the stop came from the second bot, after its own start-up calls.
    const firstAfter = h.fake.calls.slice(h.fake.calls.indexOf(last) + 1)[0];
    expect(firstAfter?.method).not.toBe('getUpdates');
    expect(after).toBeGreaterThan(0);
  });
});

describe('telegram moderator side, long polling', () => {
  const alert: AlertView = {
    caseId: 12, alertId: 31, kind: 'new', level: 'imminent', priority: 'urgent', status: 'open', reasons: ['plan+timeframe'],
    platform: 'telegram', conversation: { platform: 'telegram', channelId: String(alice.id) }, isDirect: true,
    user: { id: String(alice.id), displayName: 'Alice Ng' }, excerpt: 'tonight', country: 'US', resourcesSent: ['us-988'],
    reachedPrivately: true, policyVersion: 'p1', createdAt: '2025-06-01T12:00:00.000Z',
  };

  it('posts an alert with acknowledge and resolve buttons, once per alert id behind the core dedupe', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    const sink = withDedupe(h.adapter.moderatorSink!);
    const first = await sink.deliver(alert);
    const again = await sink.deliver(alert);
    expect(h.fake.sent).toHaveLength(1);
    const posted = h.fake.sent[0]!;
    expect(first.ref).toBe(`${MOD_CHAT_ID}:${posted.messageId}`);
    expect(again.ref).toBe(first.ref);
    expect(posted).toMatchObject({ chatId: String(MOD_CHAT_ID), parseMode: 'HTML' });
    expect(posted.replyMarkup).toEqual({ inline_keyboard: [[
      { text: 'Acknowledge', callback_data: 'case:ack:12' }, { text: 'Resolve', callback_data: 'case:resolve:12' },
    ]] });
  });

  it('edits the alert message its ref names, through the real Bot API call', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    const { ref } = await h.adapter.moderatorSink!.deliver(alert);
    await h.adapter.moderatorSink!.edit!(ref!, { ...alert, kind: 'update', status: 'resolved', actedBy: 'Mia' });
    const posted = h.fake.sent[0]!;
    expect(posted.edits).toBe(1);
    expect(posted.visible).toMatch(/Status: resolved by Mia/);
    expect(posted.replyMarkup).toEqual({ inline_keyboard: [] });
  });

  it('refuses a button press the core refuses, with an alert only the presser sees, and edits nothing', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    await h.adapter.moderatorSink!.deliver(alert);
    const posted = h.fake.sent[0]!;
    h.handlers.reply = () => ({ text: 'Only moderators can act on cases.', ok: false, private: true });
    h.fake.pushUpdate(callbackQuery(bob, 'case:ack:12', { chatId: MOD_CHAT_ID, messageId: posted.messageId }));
    const answer = await waitFor(() => h!.fake.callsOf('answerCallbackQuery')[0]);
    expect(answer.payload).toMatchObject({ text: 'Only moderators can act on cases.', show_alert: true });
    expect(h.handlers.commands[0]).toMatchObject({ name: 'case', args: ['ack', '12'], actor: { id: String(bob.id) }, isDirect: false });
    expect(h.fake.callsOf('editMessageText')).toHaveLength(0);
  });

  it('edits the alert in place when a moderator acknowledges it', async () => {
    h = await startHarness({ moderatorChatId: String(MOD_CHAT_ID) });
    await h.adapter.moderatorSink!.deliver(alert);
    const posted = h.fake.sent[0]!;
    h.handlers.reply = () => ({
      text: 'Case 12 acknowledged.', ok: true, private: true,
      updatedAlert: { ...alert, kind: 'update', status: 'acknowledged', actedBy: 'Mia', actedAt: '2025-06-01T12:02:00.000Z' },
    });
    h.fake.pushUpdate(callbackQuery(moderator, 'case:ack:12', { chatId: MOD_CHAT_ID, messageId: posted.messageId }));
    await waitFor(() => posted.edits === 1, { what: 'edit' });
    expect(visibleOf(posted.text)).toContain('acknowledged by Mia at 2025-06-01 12:02 UTC');
    expect(posted.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Resolve', callback_data: 'case:resolve:12' }]] });
    expect(h.fake.callsOf('answerCallbackQuery')[0]!.payload).toMatchObject({ text: 'Case 12 acknowledged.' });
  });
});
