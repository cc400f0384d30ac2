/**
 * A platform API answering 429 and 5xx for a while: the real grammy Bot and the real
 * bolt/WebClient against the local fakes, through the real engine, crisis routing, outbox and
 * SQLite store. The user's resources and reply, and the moderators' alert, each arrive once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { eventCallback, signedPost, startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { TestClock } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { DM, dmEvent } from '../slack/fixtures.js';
import { SIGNING_SECRET, testConfig as slackConfig } from '../slack/harness.js';
import { alice, BOT, MOD_CHAT_ID, privateText } from '../telegram/fixtures.js';
import { testConfig as telegramConfig } from '../telegram/harness.js';
import { IMMINENT, stateCounts, SUPPORTIVE, tempDbPath } from './world.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
});

/** A controllable clock lets the outbox's retry come due without real waiting. */
async function botFor(model: FakeModel, dbPath: string, adapter: Parameters<typeof createBot>[0]['adapters'], clock: TestClock): Promise<Bot> {
  const config = loadConfig({
    OYSTER_DB_PATH: dbPath, OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', OYSTER_TIMEOUT_MS: '5000',
    CRISIS_DEFAULT_COUNTRY: 'US', OYSTER_CONSOLE: 'off', LOG_LEVEL: 'silent',
  });
  const bot = await createBot({ config, adapters: adapter ?? [], logger: silentLogger, clock });
  await bot.start();
  return bot;
}

describe('telegram answering 429 and 5xx for a while', () => {
  it('delivers the resources, the reply and the moderator alert once each', async () => {
    const fake: FakeTelegram = await startFakeTelegram({ bot: BOT });
    const model = await startFakeModel({ reply: () => SUPPORTIVE });
    const adapter = createTelegramAdapter(telegramConfig(fake, { moderatorChatId: String(MOD_CHAT_ID) }), { logger: silentLogger });
    const dbPath = tempDbPath();
    const clock = new TestClock();
    const bot = await botFor(model, dbPath, [adapter], clock);
    closers.push(async () => { await bot.stop(); await model.close(); await fake.close(); });

    // The next three sends fail: a flood-wait, then Telegram's front end failing twice.
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    fake.pushUpdate(privateText(alice, IMMINENT, { messageId: 4100 }));

    const toUser = () => fake.sent.filter((s) => s.chatId === String(alice.id));
    await waitFor(() => toUser().length >= 2, { timeoutMs: 10_000, what: 'resources and reply' });
    await bot.engine.idle();
    await bot.drainAlerts();
    await waitFor(() => fake.sent.some((s) => s.chatId === String(MOD_CHAT_ID)), { timeoutMs: 10_000, what: 'the moderator alert' });

    expect(toUser().map((s) => s.visible.includes('911') ? 'resources' : s.visible)).toEqual(['resources', SUPPORTIVE]);
    expect(fake.sent.filter((s) => s.chatId === String(MOD_CHAT_ID))).toHaveLength(1);
    expect(fake.callsOf('sendMessage').filter((c) => c.failedWith).map((c) => c.failedWith!.error_code)).toEqual([429, 502, 500]);
    expect(stateCounts(dbPath)).toMatchObject({ cases: 1, alerts: 1 });
    expect(await bot.outbox.stats()).toEqual({ depth: 0, failing: 0 });
  });
});

describe('slack answering 429 and 5xx for a while', () => {
  it('delivers the resources, the reply and the moderator alert once each', async () => {
    const fake: FakeSlack = await startFakeSlack();
    const model = await startFakeModel({ reply: () => SUPPORTIVE });
    const adapter = createSlackAdapter(slackConfig(fake), { logger: silentLogger });
    const dbPath = tempDbPath();
    const clock = new TestClock();
    const bot = await botFor(model, dbPath, [adapter], clock);
    closers.push(async () => { await bot.stop(); await model.close(); await fake.close(); });

    // A rate limit, then three server errors: more than WebClient's own two retries absorb, so
    // the alert post fails once and the outbox retries it.
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    fake.failNext('chat.postMessage', { status: 500 }, 2);
    fake.failNext('chat.postMessage', { status: 503 });
    const res = await signedPost(`http://127.0.0.1:${adapter.port}/slack/events`, eventCallback(dmEvent(IMMINENT)), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);

    const posts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && c.result !== undefined);
    await waitFor(() => posts(DM).length >= 2, { timeoutMs: 10_000, what: 'resources and reply' });
    await bot.engine.idle();
    await waitFor(async () => (await bot.outbox.stats()).depth === 1 || posts('C0MODS').length === 1, { what: 'the alert settled' });
    clock.advance(60_000);
    await bot.drainAlerts();
    await waitFor(() => posts('C0MODS').length >= 1, { timeoutMs: 10_000, what: 'the moderator alert' });
    expect(fake.callsTo('chat.postMessage').filter((c) => c.result === undefined)).toHaveLength(4);

    expect(posts(DM).map((c) => (String(c.args.text).includes('911') ? 'resources' : c.args.text))).toEqual(['resources', SUPPORTIVE]);
    expect(posts('C0MODS')).toHaveLength(1);
    expect(stateCounts(dbPath)).toMatchObject({ cases: 1, alerts: 1 });
    expect(await bot.outbox.stats()).toEqual({ depth: 0, failing: 0 });
  });
});
