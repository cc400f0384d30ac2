/**
 * The adapter's SDK wiring: a real discord.js Client logged in against the fake REST API and
 * gateway, with recording handlers in place of the core. End-to-end behaviour through the
 * engine lives in bot-e2e.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { silentLogger } from '../../src/logger.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { fakeUser } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { RecordingHandlers, testConfig } from './helpers.js';

let fake: FakeDiscord;
let adapter: PlatformAdapter | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.close();
});

async function started(handlers = new RecordingHandlers(), overrides = {}): Promise<RecordingHandlers> {
  adapter = createDiscordAdapter(testConfig(fake, overrides), { logger: silentLogger });
  await adapter.start(handlers);
  return handlers;
}

describe('discord adapter against a local gateway', () => {
  it('identifies with exactly Guilds, GuildMessages, MessageContent and DirectMessages', async () => {
    await started();
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]!.intents).toBe(1 | 512 | 4096 | 32768);
  });

  it('registers the slash commands once ready', async () => {
    await started();
    expect(fake.commandPuts).toHaveLength(1);
    expect(fake.commandPuts[0]!.path).toBe(`/applications/${fake.world.bot.id}/commands`);
    const names = (fake.commandPuts[0]!.body as Array<{ name: string }>).map((c) => c.name).sort();
    expect(names).toEqual(['case', 'country', 'export', 'forget', 'help', 'language']);
  });

  it('registers the commands per server when DISCORD_COMMAND_GUILD_IDS is set', async () => {
    await started(undefined, { commandGuildIds: [fake.world.guild.id] });
    expect(fake.commandPuts.map((p) => p.path)).toEqual([`/applications/${fake.world.bot.id}/guilds/${fake.world.guild.id}/commands`]);
  });

  it('receives a DM through the Channel partial and marks it direct', async () => {
    const handlers = await started();
    const alice = fakeUser(fake.world, 'alice');
    fake.userMessage({ from: alice, content: 'hello there', dm: true });
    const [m] = await waitFor(() => handlers.messages.length > 0 && handlers.messages);
    expect(m).toMatchObject({ text: 'hello there', isDirect: true, mentionsBot: true, author: { id: alice.id, displayName: 'Alice' } });
    expect(m!.conversation.communityId).toBeUndefined();
  });

  it('passes a plain guild message on unaddressed, with the guild as community', async () => {
    const handlers = await started();
    fake.userMessage({ from: fakeUser(fake.world, 'alice'), content: 'just chatting', nick: 'Al' });
    const [m] = await waitFor(() => handlers.messages.length > 0 && handlers.messages);
    expect(m).toMatchObject({ text: 'just chatting', isDirect: false, mentionsBot: false, author: { displayName: 'Al' } });
    expect(m!.conversation).toEqual({ platform: 'discord', channelId: fake.world.channels.general, communityId: fake.world.guild.id });
  });

  it('strips its own mention and resolves other mentions to names', async () => {
    const handlers = await started();
    const bob = fakeUser(fake.world, 'bob');
    fake.userMessage({ from: fakeUser(fake.world, 'alice'), content: `<@${fake.world.bot.id}> can you help <@${bob.id}> in <#${fake.world.channels.listed}>?` });
    const [m] = await waitFor(() => handlers.messages.length > 0 && handlers.messages);
    expect(m).toMatchObject({ text: 'can you help @Bob in #ask-oyster?', mentionsBot: true });
  });

  it('maps a thread message to its parent channel with the thread id', async () => {
    const handlers = await started();
    fake.userMessage({ from: fakeUser(fake.world, 'alice'), content: `<@${fake.world.bot.id}> hi`, channelId: fake.world.channels.thread });
    const [m] = await waitFor(() => handlers.messages.length > 0 && handlers.messages);
    expect(m!.conversation).toEqual({
      platform: 'discord', channelId: fake.world.channels.general, threadId: fake.world.channels.thread, communityId: fake.world.guild.id,
    });
  });

  it('ignores its own echoed messages and other bots', async () => {
    const handlers = await started();
    await adapter!.send({ conversation: { platform: 'discord', channelId: fake.world.channels.general }, text: 'from the bot', kind: 'reply' });
    fake.userMessage({ from: fakeUser(fake.world, 'otherbot'), content: `<@${fake.world.bot.id}> ping` });
    fake.userMessage({ from: fakeUser(fake.world, 'alice'), content: 'marker' });
    await waitFor(() => handlers.messages.length > 0);
    expect(handlers.messages.map((m) => m.text)).toEqual(['marker']);
  });

  it('sends every part with allowed_mentions empty and a nonce', async () => {
    await started();
    await adapter!.send({ conversation: { platform: 'discord', channelId: fake.world.channels.general }, text: 'hi @everyone <@1234567890123456>', kind: 'reply', replyToId: '123456789012345678' });
    const body = fake.posted[0]!.body;
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(body.content).not.toContain('@everyone');
    expect(body.content).not.toMatch(/<@\d/);
    expect(body.message_reference).toEqual({ message_id: '123456789012345678', fail_if_not_exists: false });
    expect(body.enforce_nonce).toBe(true);
    expect(typeof body.nonce).toBe('string');
  });

  it('waits out a 429 through the REST queue and still delivers the message', async () => {
    await started();
    fake.rateLimitNext(/^POST \/channels\/\d+\/messages$/, 0.3);
    const started_ = Date.now();
    const { id } = await adapter!.send({ conversation: { platform: 'discord', channelId: fake.world.channels.general }, text: 'after the wait', kind: 'reply' });
    expect(Date.now() - started_).toBeGreaterThanOrEqual(300);
    const attempts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.posted.map((p) => p.id)).toEqual([id]);
  });

  it('posts once when a send is retried after its response was lost', async () => {
    await started();
    fake.failNext(/^POST \/channels\/\d+\/messages$/, 502, { message: 'Bad Gateway', code: 0 }, { afterCreate: true });
    await adapter!.send({ conversation: { platform: 'discord', channelId: fake.world.channels.general }, text: 'exactly once', kind: 'reply' });
    const attempts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(attempts.length).toBe(2);
    expect(fake.posted).toHaveLength(1);
  });

  it('renews typing while the model works and stops when told', async () => {
    await started(undefined, { typingIntervalMs: 100 });
    const inGeneral = () => fake.typing.filter((t) => t.channelId === fake.world.channels.general).length;
    const stop = adapter!.startTyping!({ platform: 'discord', channelId: fake.world.channels.general });
    await waitFor(() => inGeneral() >= 3);
    stop();
    const count = inGeneral();
    // The clock for "no more renewals": typing started now in another channel renews on the same
    // interval; after its third renewal the stopped one would have renewed at least twice.
    const stopOther = adapter!.startTyping!({ platform: 'discord', channelId: fake.world.channels.listed });
    await waitFor(() => fake.typing.filter((t) => t.channelId === fake.world.channels.listed).length >= 3, { what: 'three renewals elsewhere' });
    stopOther();
    expect(inGeneral()).toBe(count);
  });

  it('opens a DM, and throws PLATFORM_PERMISSION when Discord refuses it', async () => {
    await started();
    const alice = fakeUser(fake.world, 'alice');
    const dm = await adapter!.openDirect(alice.id);
    expect(dm).toEqual({ platform: 'discord', channelId: expect.any(String) });
    fake.closeDms(alice.id);
    await expect(adapter!.send({ conversation: dm!, text: 'resources', kind: 'resources' })).rejects.toMatchObject({ code: 'PLATFORM_PERMISSION' });
    // Known closed now: openDirect answers undefined instead of failing again.
    expect(await adapter!.openDirect(alice.id)).toBeUndefined();
  });

  it('resumes after a gateway disconnect and receives what was sent meanwhile, once', async () => {
    await fake.close();
    fake = await startFakeDiscord({ heartbeatIntervalMs: 500, replayOverlap: 2 });
    const handlers = await started();
    const alice = fakeUser(fake.world, 'alice');
    fake.userMessage({ from: alice, content: 'before', dm: true });
    await waitFor(() => handlers.messages.length === 1);
    fake.disconnect(4000);
    await waitFor(() => fake.readySockets() === 0);
    fake.userMessage({ from: alice, content: 'during', dm: true });
    await waitFor(() => fake.resumes.length === 1 && handlers.messages.length === 2);
    fake.userMessage({ from: alice, content: 'after', dm: true });
    await waitFor(() => handlers.messages.length === 3);
    expect(fake.identifies).toHaveLength(1);
    // The replay re-sent "before" too; discord.js drops a message it still has cached.
    expect(handlers.messages.map((m) => m.text)).toEqual(['before', 'during', 'after']);
  });

  it('fails login with a fix-it message when the Message Content intent is not enabled', async () => {
    await fake.close();
    fake = await startFakeDiscord({ messageContentAllowed: false });
    adapter = createDiscordAdapter(testConfig(fake), { logger: silentLogger });
    await expect(adapter.start(new RecordingHandlers())).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('Message Content Intent'),
    });
    adapter = undefined;
  });
});
