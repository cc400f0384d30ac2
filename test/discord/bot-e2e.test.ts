/**
 * End to end: a real discord.js Client logged in against the fake Discord, through the real
 * engine, crisis routing and SQLite store built by createBot, answering with the fake model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createBot, type Bot } from '../../src/main.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fakes/fake-discord.js';
import { buttonPayload, fakeUser } from '../fakes/fake-discord-world.js';
import { startFakeModel, type FakeModel, type ReplyScript } from '../fakes/fake-model.js';
import { waitFor } from '../helpers/wait-for.js';
import { testConfig } from './helpers.js';

let fake: FakeDiscord;
let model: FakeModel;
let bot: Bot | undefined;
let dir: string;

async function startBot(env: Record<string, string> = {}): Promise<Bot> {
  const config = loadConfig({
    ...env,
    OYSTER_DB_PATH: join(dir, 'bot.db'),
    // The judge is off here: this suite scripts and counts the model's chat answers (judge tests: test/risk/judge.test.ts).
    RISK_JUDGE: 'off',
    OYSTER_BASE_URL: model.url,
    OYSTER_MAX_RETRIES: '0',
    OYSTER_TIMEOUT_MS: '5000',
    MODERATOR_ROLE_IDS: fake.world.roles.moderator,
    CRISIS_DEFAULT_COUNTRY: 'US',
    LOG_LEVEL: 'silent',
    // Whole replies here; streamed replies have their own tests (test/streaming).
    STREAMING: 'off',
  });
  const adapter = createDiscordAdapter(testConfig(fake), { logger: silentLogger });
  bot = await createBot({ config, adapters: [adapter], logger: silentLogger });
  await bot.start();
  return bot;
}

async function setup(options: { discord?: FakeDiscordOptions; reply?: ReplyScript; env?: Record<string, string> } = {}): Promise<void> {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 500, ...options.discord });
  model = await startFakeModel(options.reply ? { reply: options.reply } : {});
  await startBot(options.env);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oyster-discord-'));
});

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  await model?.close();
  rmSync(dir, { recursive: true, force: true });
});

const alice = () => fakeUser(fake.world, 'alice');
const dmChannel = (userId: string) => String(BigInt(userId) + 1n);
const postsIn = (channelId: string) => fake.posted.filter((p) => p.channelId === channelId);
const mention = () => `<@${fake.world.bot.id}>`;

describe('discord bot end to end', () => {
  it('answers a direct message in the DM', async () => {
    await setup({ reply: () => 'Happy to help you plan your week.' });
    fake.userMessage({ from: alice(), content: 'can you help me plan my week?', dm: true });
    const [answer] = await waitFor(() => postsIn(dmChannel(alice().id)).length > 0 && postsIn(dmChannel(alice().id)));
    expect(answer!.body.content).toBe('Happy to help you plan your week.');
    expect(answer!.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(model.calls).toHaveLength(1);
    expect(fake.typing.map((t) => t.channelId)).toContain(dmChannel(alice().id));
    expect(fake.unexpected).toEqual([]);
  });

  it('answers a mention in the channel as a reply, and ignores a message without one', async () => {
    await setup({ reply: () => 'Here is an answer.' });
    const general = fake.world.channels.general;
    fake.userMessage({ from: alice(), content: 'anyone seen the new tide tables?' });
    const asked = fake.userMessage({ from: alice(), content: `${mention()} what is a good first step for learning to knit?` });
    await waitFor(() => postsIn(general).length > 0);
    await bot!.engine.idle();
    expect(postsIn(general)).toHaveLength(1);
    expect(postsIn(general)[0]!.body.message_reference).toEqual({ message_id: asked.id, fail_if_not_exists: false });
    expect(model.calls).toHaveLength(1);
    expect(JSON.stringify(model.calls[0]!.messages)).not.toContain('tide tables');
  });

  it('delivers a 2600-character answer as two messages of at most 2000', async () => {
    const long = 'Take it one small step at a time, and rest when you need to. '.repeat(43).trim();
    expect(long.length).toBeGreaterThan(2550);
    await setup({ reply: () => long });
    fake.userMessage({ from: alice(), content: 'give me a long pep talk please', dm: true });
    const parts = await waitFor(() => postsIn(dmChannel(alice().id)).length >= 2 && postsIn(dmChannel(alice().id)));
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.body.content.length).toBeLessThanOrEqual(2000);
    expect(parts.map((p) => p.body.content).join(' ').replace(/\s+/g, ' ')).toBe(long);
  });

  it('retries a 429 through the REST queue and the answer still arrives', async () => {
    await setup({ reply: () => 'Worth the wait.' });
    fake.rateLimitNext(/^POST \/channels\/\d+\/messages$/, 0.2);
    fake.userMessage({ from: alice(), content: 'hello?', dm: true });
    const [answer] = await waitFor(() => postsIn(dmChannel(alice().id)).length > 0 && postsIn(dmChannel(alice().id)));
    expect(answer!.body.content).toBe('Worth the wait.');
    const statuses = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
  });

  it('resumes after a gateway disconnect without answering a replayed message twice', async () => {
    await setup({ discord: { replayOverlap: 3 }, reply: (body) => `answer ${body.messages.length}` });
    const dm = dmChannel(alice().id);
    fake.userMessage({ from: alice(), content: 'first message', dm: true });
    await waitFor(() => postsIn(dm).length === 1);
    fake.disconnect(4000);
    await waitFor(() => fake.readySockets() === 0);
    // Sent while the bot is away: Discord buffers it and replays it on RESUME.
    fake.userMessage({ from: alice(), content: 'second message', dm: true });
    await waitFor(() => fake.resumes.length === 1 && postsIn(dm).length === 2);
    await bot!.engine.idle();
    expect(fake.identifies).toHaveLength(1);
    expect(postsIn(dm)).toHaveLength(2);
    expect(model.calls).toHaveLength(2);
  });

  it('does not answer a message redelivered after a restart', async () => {
    await setup({ reply: () => 'once' });
    const first = fake.userMessage({ from: alice(), content: 'are you there?', dm: true });
    await waitFor(() => postsIn(dmChannel(alice().id)).length === 1);
    await bot!.stop();
    await startBot();
    fake.userMessage({ from: alice(), content: 'are you there?', dm: true, id: first.id });
    fake.userMessage({ from: alice(), content: 'marker', dm: true });
    await waitFor(() => postsIn(dmChannel(alice().id)).length === 2);
    await bot!.engine.idle();
    expect(model.calls.map((c) => c.messages.at(-1)!.content)).toEqual(['are you there?', 'marker']);
  });

  it('sends resources by DM, a caring note in the channel and an alert with buttons for a crisis message', async () => {
    await setup({ reply: () => 'I am really glad you told me. I am here with you.' });
    const general = fake.world.channels.general;
    fake.userMessage({ from: alice(), content: `${mention()} honestly I keep thinking I should kill myself` });
    const [alert] = await waitFor(() => postsIn(fake.world.channels.moderators).length > 0 && postsIn(fake.world.channels.moderators));
    const dm = await waitFor(() => postsIn(dmChannel(alice().id)).length > 0 && postsIn(dmChannel(alice().id)));
    expect(dm[0]!.body.content).toContain('988');
    // The note follows the DM (it says a private message was sent, so that comes first).
    await waitFor(() => postsIn(general).length > 0);
    await bot!.engine.idle();
    const note = postsIn(general);
    expect(note).toHaveLength(1);
    expect(note[0]!.body.content).not.toContain('988');
    expect(note[0]!.body.content).not.toContain('kill');
    expect(note[0]!.body.message_reference).toBeUndefined(); // never quotes the user publicly
    const buttons = alert!.body.components[0].components.map((b: { custom_id: string }) => b.custom_id);
    expect(buttons).toEqual([expect.stringMatching(/^case:ack:\d+$/), expect.stringMatching(/^case:resolve:\d+$/)]);
    expect(JSON.stringify(alert!.body.embeds)).toContain(`https://discord.com/channels/${fake.world.guild.id}/${general}`);
    expect(fake.unexpected).toEqual([]);
  });

  it('falls back to a gentle pointer in the channel when Discord refuses the DM', async () => {
    await setup({ reply: () => 'I am here with you.' });
    fake.closeDms(alice().id);
    fake.userMessage({ from: alice(), content: `${mention()} i want to end my life tonight` });
    await waitFor(() => postsIn(fake.world.channels.moderators).length > 0);
    // The DM is tried first; refused with 50007, the channel gets only the minimal resources
    // in place (no "I've sent you a private message" note, which would not be true).
    const inChannel = await waitFor(() => postsIn(fake.world.channels.general).length >= 1 && postsIn(fake.world.channels.general));
    const refused = fake.requests.filter((r) => r.path === `/channels/${dmChannel(alice().id)}/messages`);
    expect(refused.map((r) => r.status)).toEqual([403]);
    expect(postsIn(dmChannel(alice().id))).toHaveLength(0);
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]!.body.content).toContain('988');
    expect(inChannel[0]!.body.content).not.toMatch(/sent you a private message/i);
    for (const post of inChannel) expect(post.body.message_reference).toBeUndefined();
  });

  it('refuses an alert button pressed by a non-moderator, and lets a moderator acknowledge', async () => {
    await setup({ reply: () => 'I am here.' });
    fake.userMessage({ from: alice(), content: 'honestly I keep thinking I should kill myself', dm: true });
    const [alert] = await waitFor(() => postsIn(fake.world.channels.moderators).length > 0 && postsIn(fake.world.channels.moderators));
    const ack = alert!.body.components[0].components[0].custom_id as string;
    const press = (username: string, n: number) =>
      fake.interaction(buttonPayload(fake.world, {
        id: String(810000000000000000n + BigInt(n)), token: `press-${n}`, from: fakeUser(fake.world, username), customId: ack,
        message: { id: alert!.id, channelId: fake.world.channels.moderators },
      }));

    press('alice', 1);
    const refused = await waitFor(() => fake.webhookCalls.find((c) => c.method === 'POST' && c.path.includes('press-1')));
    expect(refused.body.flags & 64).toBe(64);
    expect(refused.body.content).toMatch(/only moderators/i);
    expect(fake.webhookCalls.filter((c) => c.method === 'PATCH')).toHaveLength(0);

    press('bob', 2);
    const edited = await waitFor(() => fake.webhookCalls.find((c) => c.method === 'PATCH' && c.path.includes('press-2')));
    expect(JSON.stringify(edited.body.embeds)).toContain('acknowledged by');
    expect(JSON.stringify(edited.body.embeds)).toContain('Bob');
    expect(edited.body.components[0].components[0].disabled).toBe(true);
  });

  it('edits the Discord alert when the case is acknowledged from another platform, and after a restart when it is resolved', async () => {
    const env = { MODERATOR_IDS: 'telegram:42' };
    await setup({ reply: () => 'I am here.', env });
    fake.userMessage({ from: alice(), content: 'honestly I keep thinking I should kill myself', dm: true });
    const [alert] = await waitFor(() => postsIn(fake.world.channels.moderators).length > 0 && postsIn(fake.world.channels.moderators));
    const caseId = /^case:ack:(\d+)$/.exec(alert!.body.components[0].components[0].custom_id as string)![1]!;
    const patchesOfAlert = () => fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${fake.world.channels.moderators}/messages/${alert!.id}`);
    // The same core command the web dashboard and the other platforms run, from a Telegram moderator.
    const fromTelegram = (verb: string) => bot!.handlersFor({ send: async () => ({ id: 'x' }), openDirect: async () => undefined }).onCommand({
      name: 'case', args: [verb, caseId], actor: { id: '42', displayName: 'Mia', roleIds: [] },
      conversation: { platform: 'telegram', channelId: '-100777' }, isDirect: false,
    });
    expect((await fromTelegram('ack')).ok).toBe(true);
    await bot!.drainAlerts();
    const acked = await waitFor(() => patchesOfAlert()[0]);
    expect(JSON.stringify(acked.body.embeds)).toContain('acknowledged by');
    expect(JSON.stringify(acked.body.embeds)).toContain('Mia');

    // A new process on the same database still knows which message shows the case.
    await bot!.stop();
    await startBot(env);
    expect((await fromTelegram('resolve')).ok).toBe(true);
    await bot!.drainAlerts();
    const resolved = await waitFor(() => patchesOfAlert()[1]);
    expect(JSON.stringify(resolved.body.embeds)).toContain('resolved by');
    expect(resolved.body.components[0].components[1].disabled).toBe(true);
    // Edited, never re-posted: the channel still holds the one alert message.
    expect(postsIn(fake.world.channels.moderators)).toHaveLength(1);
  });
});
