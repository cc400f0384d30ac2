/**
 * Streamed replies through the real SDKs against the fakes: grammy → fake Telegram (with
 * flood control on edits), bolt's WebClient → fake Slack (chat.update), discord.js REST → fake
 * Discord (message PATCH). The fake model writes its answer chunk by chunk over a few seconds.
 * Counts the edits and their spacing, the flood-control refusals, and checks that every text
 * shown passed the output check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { createTelegramAdapter } from '../../adapters/telegram/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { fakeUser } from '../fakes/fake-discord-world.js';
import { testConfig as discordConfig } from '../discord/helpers.js';
import { startFakeDiscord } from '../fakes/fake-discord.js';
import { startFakeModel, type FakeModel, type ReplyScript } from '../fakes/fake-model.js';
import { eventCallback, signedPost, startFakeSlack } from '../fakes/fake-slack.js';
import { startFakeTelegram } from '../fakes/fake-telegram.js';
import { fakeModelEnv, tempDbPath } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/wait-for.js';
import { DM, dmEvent } from '../slack/fixtures.js';
import { SIGNING_SECRET, testConfig as slackConfig } from '../slack/harness.js';
import { alice, BOT, privateText } from '../telegram/fixtures.js';
import { testConfig as telegramConfig } from '../telegram/harness.js';

/** About 4 s of writing: 40 one-word sentences, 100 ms apart (partials show whole sentences only). */
const ANSWER = Array.from({ length: 40 }, (_, i) => `Word${String(i).padStart(2, '0')}.`).join(' ');
const slowly = (content: string): ReplyScript => () => ({ content, chunkDelayMs: 100 });
const PHONE = '+49 30 1234 5678';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
});

async function botWith(model: FakeModel, adapter: PlatformAdapter, env: Record<string, string> = {}): Promise<Bot> {
  const config = loadConfig({ ...fakeModelEnv(model, tempDbPath('oyster-stream-')), OYSTER_TIMEOUT_MS: '20000', CRISIS_DEFAULT_COUNTRY: 'US', OYSTER_CONSOLE: 'off', LOG_LEVEL: 'silent', ...env });
  const bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
  await bot.start();
  return bot;
}

/** Gaps between consecutive times, in ms. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('streaming into Telegram', () => {
  async function world(reply: ReplyScript, env: Record<string, string> = {}) {
    // Flood control refuses an edit sooner than 1 s after the last change, as Telegram might.
    const fake = await startFakeTelegram({ bot: BOT, minEditGapMs: 1_000 });
    const model = await startFakeModel({ reply });
    const bot = await botWith(model, createTelegramAdapter(telegramConfig(fake), { logger: silentLogger }), env);
    closers.push(async () => { await bot.stop(); await model.close(); await fake.close(); });
    return { fake, model, bot };
  }

  it('edits one message at most every 1.5 s until it holds the whole answer, with no flood-control refusal', async () => {
    const { fake, bot } = await world(slowly(ANSWER));
    fake.pushUpdate(privateText(alice, 'tell me forty words', { messageId: 700 }));
    await waitFor(() => fake.sent.some((m) => m.visible === ANSWER), { timeoutMs: 30_000, what: 'the whole answer' });
    await bot.engine.idle();
    const toAlice = fake.sent.filter((m) => m.chatId === String(alice.id));
    expect(toAlice).toHaveLength(1);
    const edits = fake.callsOf('editMessageText');
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBe(toAlice[0]!.edits);
    const changes = [fake.callsOf('sendMessage').at(-1)!.at, ...edits.map((c) => c.at)];
    for (const gap of gaps(changes)) expect(gap).toBeGreaterThanOrEqual(1_450);
    expect(fake.floodRejections).toBe(0);
  });

  it('replaces a partial that fails the output check by the safe reply and never shows the rest', async () => {
    const { fake } = await world(slowly(`Here is a thought for you today. Then you could ring ${PHONE} for a chat about it later on.`));
    fake.pushUpdate(privateText(alice, 'who can I ring?', { messageId: 701 }));
    await waitFor(() => fake.sent.some((m) => m.chatId === String(alice.id) && m.edits > 0 && !m.visible.startsWith('Here is')), { timeoutMs: 30_000, what: 'the replacement' });
    const shown = fake.sent.filter((m) => m.chatId === String(alice.id));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.visible).toBe("Sorry, I couldn't put together a good answer to that. Could you ask me again?");
    // No call ever carried the unverified number, not even a partial.
    expect(fake.calls.filter((c) => JSON.stringify(c.payload).includes('1234'))).toEqual([]);
  });

  it('sends whole replies with STREAMING=off', async () => {
    const { fake, bot } = await world(slowly(ANSWER), { STREAMING: 'off' });
    fake.pushUpdate(privateText(alice, 'tell me forty words', { messageId: 702 }));
    await waitFor(() => fake.sent.some((m) => m.visible === ANSWER), { timeoutMs: 30_000, what: 'the whole answer' });
    await bot.engine.idle();
    expect(fake.callsOf('editMessageText')).toEqual([]);
  });
});

describe('streaming into Slack', () => {
  it('updates one message with chat.update at most every 1.5 s, ending with the whole answer', async () => {
    const fake = await startFakeSlack();
    const model = await startFakeModel({ reply: slowly(ANSWER) });
    const adapter = createSlackAdapter(slackConfig(fake), { logger: silentLogger });
    const bot = await botWith(model, adapter, { RATE_LIMIT_PER_MINUTE: '0' });
    closers.push(async () => { await bot.stop(); await model.close(); await fake.close(); });
    const res = await signedPost(`http://127.0.0.1:${adapter.port}/slack/events`, eventCallback(dmEvent('tell me forty words')), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    await waitFor(() => fake.callsTo('chat.update').some((c) => c.args.text === ANSWER), { timeoutMs: 30_000, what: 'the final update' });
    await bot.engine.idle();
    const posts = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === DM);
    const updates = fake.callsTo('chat.update');
    expect(posts).toHaveLength(1);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps([posts[0]!.at, ...updates.map((u) => u.at)])) expect(gap).toBeGreaterThanOrEqual(1_450);
    // Every chat.update succeeded: none was refused and retried.
    expect(updates.every((u) => u.result?.ok === true)).toBe(true);
  });
});

describe('streaming into Discord', () => {
  it('edits one message at most every second, ending with the whole answer, without a 429', async () => {
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
    const model = await startFakeModel({ reply: slowly(ANSWER) });
    const bot = await botWith(model, createDiscordAdapter(discordConfig(fake), { logger: silentLogger }));
    closers.push(async () => { await bot.stop(); await model.close(); await fake.close(); });
    const alice = fakeUser(fake.world, 'alice');
    fake.userMessage({ from: alice, content: 'tell me forty words', dm: true });
    const patches = () => fake.requests.filter((r) => r.method === 'PATCH' && /\/channels\/\d+\/messages\/\d+$/.test(r.path));
    await waitFor(() => patches().some((p) => p.body.content === ANSWER), { timeoutMs: 30_000, what: 'the final edit' });
    await bot.engine.idle();
    const posts = fake.requests.filter((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path));
    expect(posts).toHaveLength(1);
    expect(patches().length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps([posts[0]!.at, ...patches().map((p) => p.at)])) expect(gap).toBeGreaterThanOrEqual(950);
    expect(fake.unexpected).toEqual([]);
  });
});
