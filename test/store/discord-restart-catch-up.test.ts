/**
 * One bot on SQLite, stopped and started again: the Discord adapter keeps its shard's session in
 * the store and shuts it resumably, so the next start resumes it beside its new session and
 * Discord (the fake, which keeps a disconnected session's events) replays what was sent while the
 * bot was down. A session Discord no longer keeps is refused with Invalid Session; the bot then
 * reads the history of the channels it saw lately after the last message it had taken there
 * (REST, GET /channels/{id}/messages?after=), and hands on what is newer, once.
 */
import { afterEach, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { captureLogs, testConfig } from '../discord/helpers.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { buttonPayload, DEFAULT_WORLD, fakeUser } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { storeHandlers } from './discord-instances.js';
import { sqliteStores, type StoreSet } from './stores.js';

let fake: FakeDiscord | undefined;
let store: StoreSet | undefined;
const running: PlatformAdapter[] = [];
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
  await fake?.close();
  await store?.close();
});

async function startBot(f: FakeDiscord, s: StoreSet) {
  const logs = captureLogs();
  const adapter = createDiscordAdapter(testConfig(f), { logger: logs.logger });
  running.push(adapter);
  const { handlers, received } = storeHandlers(s, 'solo', adapter);
  await adapter.start(handlers);
  await waitFor(() => f.readySockets() === 1, { timeoutMs: 30_000, what: 'the shard connected' });
  return { adapter, received, logs };
}

const mention = `<@${DEFAULT_WORLD.bot.id}>`;
const alice = fakeUser(DEFAULT_WORLD, 'alice');

it('hands on, once, what was sent while the bot was stopped', async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
  store = await sqliteStores();
  const first = await startBot(fake, store);
  const before = fake.userMessage({ from: alice, content: `${mention} good morning` });
  await waitFor(() => first.received.some((m) => m.id === before.id), { what: 'the first message' });
  await first.adapter.stop();
  running.splice(0);

  const whileDown = fake.userMessage({ from: alice, content: `${mention} are you there?` });
  const second = await startBot(fake, store);
  await waitFor(() => second.received.some((m) => m.id === whileDown.id), { timeoutMs: 30_000, what: 'the message sent while down' });
  const after = fake.userMessage({ from: alice, content: `${mention} thanks` });
  await waitFor(() => second.received.some((m) => m.id === after.id), { what: 'a live message after the catch-up' });
  // The final sequence was written at the stop: nothing from before it comes again.
  expect(second.received.map((m) => m.id)).toEqual([whileDown.id, after.id]);
  expect(fake.resumes.map((r) => r.outcome)).toEqual(['resumed']);
  expect(second.logs.entries().find((e) => e.msg === 'discord shard caught up on its previous session')).toMatchObject({ outcome: 'replayed', events: 1 });
}, 60_000);

it('acts on a moderator\'s button pressed while the bot was stopped, replayed too late to answer, and confirms it in the channel', async () => {
  // Deadline 0: the replayed press is always past it, however fast the restart.
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000, interactionDeadlineMs: 0 });
  store = await sqliteStores();
  const first = await startBot(fake, store);
  await first.adapter.stop();
  running.splice(0);
  const bob = fakeUser(DEFAULT_WORLD, 'bob');
  const moderators = DEFAULT_WORLD.channels.moderators;
  fake.interaction(buttonPayload(DEFAULT_WORLD, {
    id: '810000000000000009', token: 'pressed-while-down', from: bob, customId: 'case:ack:7', message: { id: '1300000000000000077', channelId: moderators },
  }));
  const second = await startBot(fake, store);
  const confirmation = await waitFor(() => fake!.posted.find((p) => p.channelId === moderators), { timeoutMs: 30_000, what: 'the confirmation in the moderators\' channel' });
  expect(confirmation.body.content).toMatch(new RegExp(`^<@${bob.id}> .*3-second limit.*\\nok$`, 's'));
  expect(fake.resumes.map((r) => r.outcome)).toEqual(['resumed']);
  expect(fake.callbacks).toEqual([]);
  expect(await waitFor(() => second.logs.entries().find((e) => e.msg === 'discord case button answered late: acted on and confirmed in the channel'))).toMatchObject({ action: 'ack', caseId: '7' });
}, 60_000);

it('reads what it missed from the channels it saw when Discord no longer keeps the session', async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
  store = await sqliteStores();
  const first = await startBot(fake, store);
  const bob = fakeUser(DEFAULT_WORLD, 'bob');
  const before = fake.userMessage({ from: alice, content: `${mention} good morning` });
  const dmBefore = fake.userMessage({ from: bob, content: 'hello there', dm: true });
  await waitFor(() => [before.id, dmBefore.id].every((id) => first.received.some((m) => m.id === id)), { what: 'the first messages' });
  await first.adapter.stop();
  running.splice(0);

  // Discord drops the stopped session; two messages arrive meanwhile, in the channel and the DM.
  fake.dropDetachedSessions();
  const whileDown = fake.userMessage({ from: alice, content: `${mention} are you there?` });
  const dmWhileDown = fake.userMessage({ from: bob, content: 'still there?', dm: true });
  const second = await startBot(fake, store);
  await waitFor(() => [whileDown.id, dmWhileDown.id].every((id) => second.received.some((m) => m.id === id)), { timeoutMs: 30_000, what: 'the messages sent while down' });
  const after = fake.userMessage({ from: alice, content: `${mention} thanks` });
  await waitFor(() => second.received.some((m) => m.id === after.id), { what: 'a live message after the catch-up' });
  // Read after the marks: what the first run took is not handed on again, the rest once, in order.
  expect(second.received.map((m) => m.id)).toEqual([whileDown.id, dmWhileDown.id, after.id]);
  expect(second.received[0]).toMatchObject({ isDirect: false, mentionsBot: true, conversation: { communityId: DEFAULT_WORLD.guild.id } });
  expect(second.received[1]).toMatchObject({ isDirect: true, author: { id: bob.id } });
  expect(fake.resumes.map((r) => r.outcome)).toEqual(['invalid']);
  const reads = fake.requests.filter((r) => r.method === 'GET' && /^\/channels\/\d+\/messages$/.test(r.path));
  expect(reads.map((r) => new URLSearchParams(r.query).get('after')).sort()).toEqual([before.id, dmBefore.id].sort());
  expect(second.logs.entries().find((e) => e.msg === 'discord shard read what it missed from channel history')).toMatchObject({ channels: 2, messages: 2 });
}, 60_000);

it('starts without the gap when Discord no longer keeps the session and it had seen no channel', async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000, resumableMs: 0 });
  store = await sqliteStores();
  const first = await startBot(fake, store);
  await first.adapter.stop();
  running.splice(0);
  fake.userMessage({ from: alice, content: `${mention} are you there?` });
  const second = await startBot(fake, store);
  const live = fake.userMessage({ from: alice, content: `${mention} hello again` });
  await waitFor(() => second.received.some((m) => m.id === live.id), { what: 'a live message' });
  expect(second.received.map((m) => m.id)).toEqual([live.id]);
  expect(fake.resumes.map((r) => r.outcome)).toEqual(['invalid']);
  expect(second.logs.entries().find((e) => e.msg === 'discord shard caught up on its previous session')).toMatchObject({ outcome: 'invalid', events: 0 });
}, 60_000);
