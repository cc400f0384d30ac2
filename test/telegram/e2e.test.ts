/**
 * End to end: the real grammy Bot against the fake Bot API, through the real engine, risk
 * screen, crisis routing, outbox and SQLite store (createBot), with the fake model server.
 * What a Telegram user and the moderators would see is read back from the fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeModel, type FakeModel, type ReplyScript } from '../fakes/fake-model.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { fakeModelEnv, tempDbPath } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { alice, bob, BOT, callbackQuery, GROUP_ID, groupChat, groupText, moderator, MOD_CHAT_ID, privateText } from './fixtures.js';
import { testConfig, webhookConfig, WEBHOOK_SECRET } from './harness.js';

// Note: the brief's example "I have the pills in my hand and I'm taking them tonight" is
// screened as level none by the current detection rules (reported to the risk owner); this
// wording is one the rules catch, so these tests exercise the Telegram path.
const IMMINENT = 'I have all the pills in front of me and I am taking them tonight. This is goodbye.';
const SUPPORTIVE = 'I am really glad you told me. You matter, and you do not have to face this alone.';

interface World {
  fake: FakeTelegram;
  model: FakeModel;
  adapter: TelegramAdapter;
  bot: Bot;
  dbPath: string;
  post(update: unknown, secret?: string): Promise<number>;
  close(): Promise<void>;
}

async function startWorld(options: { mode?: 'polling' | 'webhook'; reply?: ReplyScript; dbPath?: string; fake?: FakeTelegram } = {}): Promise<World> {
  const fake = options.fake ?? (await startFakeTelegram({ bot: BOT }));
  const model = await startFakeModel(options.reply ? { reply: options.reply } : {});
  const dbPath = options.dbPath ?? tempDbPath('oyster-tg-');
  const config = loadConfig({
    ...fakeModelEnv(model, dbPath),
    CRISIS_DEFAULT_COUNTRY: 'US',
    MODERATOR_IDS: `telegram:${moderator.id}`,
    OYSTER_CONSOLE: 'off',
    LOG_LEVEL: 'silent',
    // Whole replies here; streamed replies have their own tests (test/streaming).
    STREAMING: 'off',
  });
  const overrides = { moderatorChatId: String(MOD_CHAT_ID) };
  const adapterConfig = options.mode === 'webhook' ? webhookConfig(fake, overrides) : testConfig(fake, overrides);
  const adapter = createTelegramAdapter(adapterConfig, { logger: silentLogger });
  const bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
  await bot.start();
  return {
    fake, model, adapter, bot, dbPath,
    async post(update, secret = WEBHOOK_SECRET) {
      if (secret === WEBHOOK_SECRET) fake.observe(update as Record<string, unknown>);
      const res = await fetch(`http://127.0.0.1:${adapter.webhookPort}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      await bot.stop();
      await model.close();
      if (!options.fake) await fake.close();
    },
  };
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const inChat = (fake: FakeTelegram, chatId: number) => fake.sent.filter((s) => s.chatId === String(chatId));

describe('telegram end to end, long polling', () => {
  it('answers a private message with the model reply, showing typing first', async () => {
    world = await startWorld();
    world.fake.pushUpdate(privateText(alice, 'hello, can we talk about my week?', { messageId: 500 }));
    const reply = await waitFor(() => inChat(world!.fake, alice.id)[0], { what: 'reply' });
    expect(reply).toMatchObject({ visible: 'You said: hello, can we talk about my week?', replyTo: 500, parseMode: 'HTML' });
    const typing = world.fake.callsOf('sendChatAction')[0];
    expect(typing?.payload).toMatchObject({ chat_id: String(alice.id), action: 'typing' });
    expect(typing!.at).toBeLessThanOrEqual(world.fake.callsOf('sendMessage')[0]!.at);
  });

  it('stays silent on a group message that neither mentions nor replies to the bot', async () => {
    world = await startWorld();
    world.fake.pushUpdate(groupText(bob, 'anyone seen the ferry timetable?', { messageId: 600 }));
    world.fake.pushUpdate(groupText(bob, `@${BOT.username} what time is it in Lisbon?`, { messageId: 601 }));
    const answer = await waitFor(() => inChat(world!.fake, GROUP_ID)[0], { what: 'answer to the mention' });
    expect(answer).toMatchObject({ replyTo: 601, visible: 'You said: what time is it in Lisbon?' });
    await world.bot.engine.idle();
    expect(inChat(world.fake, GROUP_ID)).toHaveLength(1);
    expect(world.model.calls).toHaveLength(1);
  });

  it('delivers a long answer as several messages of at most 4096 characters that join back to the whole', async () => {
    const paragraph = 'When everything feels loud, try slowing your breath: in for four, hold, and out for six. '.repeat(12).trim();
    const long = Array.from({ length: 9 }, (_, i) => `**Step ${i + 1}.** ${paragraph}`).join('\n\n');
    world = await startWorld({ reply: () => long });
    world.fake.pushUpdate(privateText(alice, 'how do I calm down before an exam?'));
    await waitFor(() => inChat(world!.fake, alice.id).length >= 2, { what: 'several parts' });
    await world.bot.engine.idle();
    const parts = inChat(world.fake, alice.id);
    for (const p of parts) expect(p.visible.length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.visible).join('\n\n')).toBe(long.replace(/\*\*/g, ''));
  });

  it('retries a reply Telegram refused with 429 after retry_after', async () => {
    world = await startWorld();
    world.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    world.fake.pushUpdate(privateText(alice, 'are you there?'));
    const reply = await waitFor(() => inChat(world!.fake, alice.id)[0], { what: 'reply after 429' });
    expect(reply.visible).toBe('You said: are you there?');
    const [refused, accepted] = world.fake.callsOf('sendMessage');
    expect(refused!.failedWith?.error_code).toBe(429);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950);
  });

  it('answers a redelivered update once, even after a restart', async () => {
    world = await startWorld();
    const u = privateText(alice, 'please only answer me once', { messageId: 700 });
    world.fake.pushUpdate(u);
    world.fake.pushUpdate({ ...structuredClone(u), update_id: u.update_id + 1 });
    await waitFor(() => inChat(world!.fake, alice.id)[0]);
    await world.bot.engine.idle();
    const { fake, dbPath } = world;
    await world.bot.stop();
    await world.model.close();
    // A new process on the same database gets the same message once more (Telegram keeps
    // unconfirmed updates for 24 h): the SQLite dedupe on `chat:message` catches it.
    world = await startWorld({ dbPath, fake });
    fake.pushUpdate({ ...structuredClone(u), update_id: u.update_id + 2 });
    fake.pushUpdate(privateText(alice, 'a new question', { messageId: 701, updateId: u.update_id + 3 }));
    await waitFor(() => inChat(fake, alice.id).some((s) => s.visible === 'You said: a new question'));
    await world.bot.engine.idle();
    expect(inChat(fake, alice.id).map((s) => s.visible)).toEqual(['You said: please only answer me once', 'You said: a new question']);
    await fake.close();
  });

  it('sends resources privately and alerts the moderators with buttons on a crisis message', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    world.fake.pushUpdate(privateText(alice, IMMINENT, { messageId: 800 }));
    await waitFor(() => inChat(world!.fake, alice.id).length >= 2, { what: 'resources and reply' });
    const [resources, reply] = inChat(world.fake, alice.id);
    expect(resources!.visible).toContain('911');
    expect(resources!.visible).toContain('988');
    expect(resources!.visible.indexOf('911')).toBeLessThan(resources!.visible.indexOf('988'));
    expect(reply!.visible).toBe(SUPPORTIVE);

    await world.bot.drainAlerts();
    const alerts = inChat(world.fake, MOD_CHAT_ID);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.visible).toMatch(/URGENT · New case #\d+: imminent risk/);
    expect(alerts[0]!.visible).toContain('Reached privately: yes');
    expect(alerts[0]!.replyMarkup).toEqual({ inline_keyboard: [[
      { text: 'Acknowledge', callback_data: expect.stringMatching(/^case:ack:\d+$/) },
      { text: 'Resolve', callback_data: expect.stringMatching(/^case:resolve:\d+$/) },
    ]] });
  });

  it('in a group, posts a note without quoting the user and invites them to a private chat when it cannot DM them', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    world.fake.pushUpdate(groupText(bob, IMMINENT, { messageId: 900 }));
    await waitFor(() => inChat(world!.fake, GROUP_ID).length >= 1, { what: 'minimal resources in the group' });
    await world.bot.engine.idle();
    const inGroup = inChat(world.fake, GROUP_ID);
    // No "I've sent you a private message" note: none could be sent.
    expect(inGroup).toHaveLength(1);
    for (const m of inGroup) {
      expect(m.replyTo).toBeUndefined();
      expect(m.visible).not.toContain('pills');
    }
    expect(inGroup[0]!.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Talk to me privately', url: `https://t.me/${BOT.username}?start=support` }]] });
    expect(inGroup.some((m) => m.visible.includes('988'))).toBe(true);
    await world.bot.drainAlerts();
    expect(inChat(world.fake, MOD_CHAT_ID)[0]!.visible).toContain('Reached privately: no');
  });

  it('in a group, sends the resources by private message to a user who has started the bot', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    world.fake.pushUpdate(privateText(alice, '/start'));
    await waitFor(() => inChat(world!.fake, alice.id)[0], { what: 'answer to /start' });
    world.fake.pushUpdate(groupText(alice, IMMINENT, { messageId: 950 }));
    await waitFor(() => inChat(world!.fake, alice.id).some((m) => m.visible.includes('988')), { what: 'resources by DM' });
    await world.bot.engine.idle();
    const inGroup = inChat(world.fake, GROUP_ID);
    expect(inGroup).toHaveLength(1);
    expect(inGroup[0]!.visible).not.toContain('988');
    expect(inGroup[0]!.replyTo).toBeUndefined();
    await world.bot.drainAlerts();
    expect(inChat(world.fake, MOD_CHAT_ID)[0]!.visible).toContain('Reached privately: yes');
  });

  it('refuses an alert button pressed by a non-moderator, and edits the alert when a moderator acknowledges it', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    world.fake.pushUpdate(privateText(alice, IMMINENT));
    await waitFor(() => inChat(world!.fake, alice.id).length >= 1);
    await world.bot.drainAlerts();
    const alert = await waitFor(() => inChat(world!.fake, MOD_CHAT_ID)[0]);
    const ack = (alert.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;

    world.fake.pushUpdate(callbackQuery(bob, ack, { chatId: MOD_CHAT_ID, messageId: alert.messageId }));
    const refusal = await waitFor(() => world!.fake.callsOf('answerCallbackQuery')[0]);
    expect(refusal.payload).toMatchObject({ show_alert: true, text: expect.stringMatching(/Only moderators/) });
    expect(alert.edits).toBe(0);

    world.fake.pushUpdate(callbackQuery(moderator, ack, { chatId: MOD_CHAT_ID, messageId: alert.messageId }));
    await waitFor(() => alert.edits === 1, { what: 'alert edited in place' });
    expect(alert.visible).toMatch(/Status: acknowledged by Mia at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(alert.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Resolve', callback_data: expect.stringMatching(/^case:resolve:\d+$/) }]] });
    expect(world.fake.callsOf('answerCallbackQuery')[1]!.payload).not.toHaveProperty('show_alert', true);
  });

  it('edits the alert in place when a moderator types /case ack, and again after a restart for /case resolve', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    world.fake.pushUpdate(privateText(alice, IMMINENT));
    await waitFor(() => inChat(world!.fake, alice.id).length >= 1);
    await world.bot.drainAlerts();
    const alert = await waitFor(() => inChat(world!.fake, MOD_CHAT_ID)[0]);
    const caseId = /case #(\d+)/.exec(alert.visible)![1]!;

    world.fake.pushUpdate(groupText(moderator, `/case ack ${caseId}`, { chat: groupChat(MOD_CHAT_ID) }));
    await waitFor(() => /Status: acknowledged by Mia/.test(alert.visible), { what: 'alert edited after a typed /case ack' });
    const posted = inChat(world.fake, MOD_CHAT_ID).filter((m) => /case #/.test(m.visible)).length;

    // A new process on the same database knows which message shows the case: it edits it too.
    const { fake, dbPath } = world;
    await world.bot.stop();
    await world.model.close();
    world = await startWorld({ dbPath, fake, reply: () => SUPPORTIVE });
    fake.pushUpdate(groupText(moderator, `/case resolve ${caseId} false_positive`, { chat: groupChat(MOD_CHAT_ID) }));
    await waitFor(() => /Status: resolved by Mia/.test(alert.visible), { what: 'alert edited after a restart' });
    await world.bot.drainAlerts();
    expect(alert.replyMarkup).toEqual({ inline_keyboard: [] });
    expect(inChat(fake, MOD_CHAT_ID).filter((m) => /case #/.test(m.visible))).toHaveLength(posted);
    await fake.close();
  });
});

describe('telegram end to end, webhook', () => {
  it('answers a private message delivered by webhook, once when Telegram redelivers it', async () => {
    world = await startWorld({ mode: 'webhook' });
    const u = privateText(alice, 'hi from the webhook');
    expect(await world.post(u)).toBe(200);
    expect(await world.post(u)).toBe(200);
    await waitFor(() => inChat(world!.fake, alice.id)[0], { what: 'webhook reply' });
    await world.bot.engine.idle();
    expect(inChat(world.fake, alice.id).map((s) => s.visible)).toEqual(['You said: hi from the webhook']);
    expect(world.fake.callsOf('getUpdates')).toHaveLength(0);
  });

  it('refuses a forged crisis update and an oversized body before the engine sees them', async () => {
    world = await startWorld({ mode: 'webhook' });
    expect(await world.post(privateText(alice, IMMINENT), 'not_the_secret')).toBe(401);
    const res = await fetch(`http://127.0.0.1:${world.adapter.webhookPort}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(privateText(alice, 'x'.repeat(100 * 1024))),
    });
    expect(res.status).toBe(413);
    await world.bot.drainAlerts();
    expect(world.fake.sent).toHaveLength(0);
    expect(world.model.calls).toHaveLength(0);
  });
});
