/** Discord moderator alerts: the jump link, the "not reached privately" update (end to end), and digests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordModeratorSink, discordMessageLink, renderAlert, renderDigest, type AlertMessageBody } from '../../adapters/discord/moderator.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import type { AlertDigest } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { fakeUser } from '../fakes/fake-discord-world.js';
import { startFakeModel, type FakeModel } from '../fakes/fake-model.js';
import { waitFor } from '../helpers/wait-for.js';
import { alertView } from './fixtures.js';
import { testConfig } from './helpers.js';

const GUILD = '1000000000000000001';
const CHANNEL = '1200000000000000001';
const MESSAGE = '1300000000000000009';

describe('discord alert: jump link to the message', () => {
  it('links guild, channel and message, and uses the thread when the message is in one', () => {
    expect(discordMessageLink(alertView({ messageId: MESSAGE }))).toBe(`https://discord.com/channels/${GUILD}/${CHANNEL}/${MESSAGE}`);
    const inThread = alertView({ messageId: MESSAGE, conversation: { platform: 'discord', channelId: CHANNEL, threadId: '1400000000000000004', communityId: GUILD } });
    expect(discordMessageLink(inThread)).toBe(`https://discord.com/channels/${GUILD}/1400000000000000004/${MESSAGE}`);
    const fields = renderAlert(alertView({ messageId: MESSAGE })).embeds[0]!.fields!;
    expect(fields.find((f) => f.name === 'Message')?.value).toBe(`[open the message](https://discord.com/channels/${GUILD}/${CHANNEL}/${MESSAGE})`);
  });

  it('never links a DM, and shows another platform\'s message as an id only', () => {
    expect(discordMessageLink(alertView({ messageId: MESSAGE, isDirect: true }))).toBeUndefined();
    expect(renderAlert(alertView({ isDirect: true })).embeds[0]!.fields!.some((f) => f.name === 'Message')).toBe(false);
    const telegram = renderAlert(alertView({ platform: 'telegram', conversation: { platform: 'telegram', channelId: '-100200' }, messageId: '-100200:5' }));
    expect(telegram.embeds[0]!.fields!.find((f) => f.name === 'Message')?.value).toBe('telegram message id -100200:5');
  });
});

describe('discord alert: the user could not be reached privately', () => {
  it('says so in the title, the content line and a first field, and keeps the buttons usable', () => {
    const body = renderAlert(alertView({ kind: 'update', reachedPrivately: false }));
    expect(body.embeds[0]!.title).toBe('Not reached privately #12: high risk');
    expect(body.content).toContain('not reached privately');
    expect(body.embeds[0]!.fields![0]).toMatchObject({ name: 'Update', value: expect.stringContaining('could not be reached privately') });
    const buttons = body.components[0]!.components as Array<{ disabled: boolean }>;
    expect(buttons.map((b) => b.disabled)).toEqual([false, false]);
  });
});

describe('discord digest', () => {
  const digestOf = (n: number): AlertDigest => ({
    digestId: 'dg-1', createdAt: '2025-03-15T09:00:00.000Z',
    alerts: Array.from({ length: n }, (_, i) => alertView({
      caseId: 100 + i, alertId: 200 + i, level: 'moderate', priority: 'normal', messageId: MESSAGE,
      excerpt: 'x'.repeat(3000), reasons: Array.from({ length: 80 }, (_, j) => `rule-${j}`),
    })),
  });

  it('fits ten cases in one message: ten embeds, 6000 characters in all, no buttons, no mentions', () => {
    const body = renderDigest(digestOf(10));
    expect(body.embeds).toHaveLength(10);
    const total = body.embeds.reduce((sum, e) => sum + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(body.components).toEqual([]);
    expect(body.allowed_mentions.parse).toEqual([]);
    expect(body.embeds[0]!.title).toBe('#100: moderate risk · open');
    expect(body.content).toContain('10 cases');
  });

  it('posts a digest as a new message with no case buttons', async () => {
    const posts: AlertMessageBody[] = [];
    const board = createDiscordModeratorSink({ post: async (b) => { posts.push(b); return `m${posts.length}`; }, edit: async () => undefined });
    expect(await board.deliverDigest!(digestOf(2))).toEqual({ ref: 'm1' });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.components).toEqual([]);
  });
});

describe('discord end to end: refused DM and message link', () => {
  let fake: FakeDiscord | undefined;
  let model: FakeModel | undefined;
  let bot: Bot | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await bot?.stop();
    await fake?.close();
    await model?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    bot = undefined;
    fake = undefined;
    model = undefined;
  });

  it('tells the moderators the person was not reached privately when Discord refuses the DM (50007), and links the message', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oyster-discord-links-'));
    fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
    model = await startFakeModel({ reply: () => 'I am here with you.' });
    const config = loadConfig({
      OYSTER_DB_PATH: join(dir, 'bot.db'), OYSTER_BASE_URL: model.url, OYSTER_MAX_RETRIES: '0', OYSTER_TIMEOUT_MS: '5000',
      MODERATOR_ROLE_IDS: fake.world.roles.moderator, CRISIS_DEFAULT_COUNTRY: 'US', LOG_LEVEL: 'silent',
    });
    bot = await createBot({ config, adapters: [createDiscordAdapter(testConfig(fake), { logger: silentLogger })], logger: silentLogger });
    await bot.start();
    const alice = fakeUser(fake.world, 'alice');
    fake.closeDms(alice.id);
    const sent = fake.userMessage({ from: alice, content: `<@${fake.world.bot.id}> i want to end my life tonight` });

    const mods = fake.world.channels.moderators;
    const [alert] = await waitFor(() => fake!.posted.filter((p) => p.channelId === mods).length > 0 && fake!.posted.filter((p) => p.channelId === mods));
    const link = `https://discord.com/channels/${fake.world.guild.id}/${fake.world.channels.general}/${sent.id}`;
    expect(JSON.stringify(alert!.body.embeds)).toContain(link);
    // The first alert waits for the resources' first try, so it usually says so already; when the
    // refusal comes after it was posted, the same message is edited in place. Either way the
    // moderators' one message ends up saying the person was not reached privately.
    type Embed = { fields?: Array<{ name: string; value: string }> };
    const reached = (body: { embeds?: Embed[] }) => body.embeds?.[0]?.fields?.find((f) => f.name === 'Reached privately')?.value;
    const latest = await waitFor(() => {
      const edits = fake!.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${mods}/messages/${alert!.id}`);
      const body = (edits.at(-1)?.body ?? alert!.body) as { embeds?: Embed[] };
      return /^no\b/.test(reached(body) ?? '') && body;
    }, { timeoutMs: 30_000 });
    expect(JSON.stringify(latest.embeds)).toContain(link);
    expect(fake.posted.filter((p) => p.channelId === mods)).toHaveLength(1);
    const [summary] = await bot.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 });
    expect(summary).toMatchObject({ reachedPrivately: false, messageId: sent.id });
    expect(fake.unexpected).toEqual([]);
  });
});
