/**
 * Discord may invalidate a running shard's session at any time (op 9, not resumable); discord.js
 * then identifies a new session, and whatever was sent in between reached no session and is never
 * replayed. The adapter (with a store) notices the new session and reads the shard's channels
 * through REST after the last message it took in each, so the gap is handed on, once.
 */
import { afterEach, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { DEFAULT_WORLD, fakeUser } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { storeHandlers } from '../store/discord-instances.js';
import { sqliteStores, type StoreSet } from '../store/stores.js';
import { captureLogs, testConfig } from './helpers.js';

let fake: FakeDiscord | undefined;
let store: StoreSet | undefined;
let adapter: PlatformAdapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake?.close();
  await store?.close();
});

const mention = `<@${DEFAULT_WORLD.bot.id}>`;
const alice = fakeUser(DEFAULT_WORLD, 'alice');

it('reads the channels it had seen after Discord drops its session while it runs, and hands the gap on once', async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
  store = await sqliteStores();
  const logs = captureLogs();
  adapter = createDiscordAdapter(testConfig(fake), { logger: logs.logger });
  const { handlers, received } = storeHandlers(store, 'solo', adapter);
  await adapter.start(handlers);
  await waitFor(() => fake!.readySockets() === 1, { timeoutMs: 30_000, what: 'the shard connected' });
  const before = fake.userMessage({ from: alice, content: `${mention} good morning` });
  await waitFor(() => received.some((m) => m.id === before.id), { what: 'the first message' });

  // The session ends under the bot; this message is sent before it has a new one.
  fake.invalidateSessions();
  const gap = fake.userMessage({ from: alice, content: `${mention} are you still there?` });
  await waitFor(() => received.some((m) => m.id === gap.id), { timeoutMs: 30_000, what: 'the message sent in the gap' });
  const after = fake.userMessage({ from: alice, content: `${mention} thanks` });
  await waitFor(() => received.some((m) => m.id === after.id), { what: 'a live message on the new session' });

  expect(received.map((m) => m.id)).toEqual([before.id, gap.id, after.id]);
  expect(fake.identifies).toHaveLength(2);
  const reads = fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${DEFAULT_WORLD.channels.general}/messages`);
  expect(reads.map((r) => new URLSearchParams(r.query).get('after'))).toEqual([before.id]);
  expect(logs.entries().find((e) => e.msg === 'discord shard lost its session while running; reading its channels for what was missed')).toMatchObject({ shard: 0, channels: 1 });
}, 60_000);
