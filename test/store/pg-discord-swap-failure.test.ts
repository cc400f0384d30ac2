/**
 * A shard swap whose login fails. The real Discord adapter (discord.js against the fake) takes its
 * shards through real PostgreSQL leases; a second instance is simulated by its heartbeat lease
 * alone, which makes the adapter give up shard 1 and rebuild its Client for shard 0. That login
 * fails — the gateway closes IDENTIFY with 4004 as after a token reset, or GET /gateway/bot fails
 * past the REST retries — and then:
 *
 * - the failure is logged as an error and the leases are given back;
 * - a later pass takes the shards again and logs in;
 * - what was sent meanwhile to either shard is handed to the bot once, because the new Client
 *   catches up on the sessions the old Client left (closed resumably, recorded in the store).
 */
import { afterEach, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { openPgStores, type PgStores } from '../../src/store/pg/index.js';
import { INSTANCE_LEASE_PREFIX } from '../../src/store/pg/pg-leases.js';
import { captureLogs, testConfig } from '../discord/helpers.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { DEFAULT_WORLD, fakeUser, type FakeWorld } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { describePg, freshDatabase } from './pg-env.js';
import { shardHolders, storeHandlers } from './discord-instances.js';

const SECOND = { id: '110000000000000001', name: 'Second Pool', channelId: '210000000000000001' };
const WORLD: FakeWorld = { ...DEFAULT_WORLD, extraGuilds: [SECOND] };
const ME = 'swap-a';
const OTHER = 'swap-b';
const LONG = 10 * 60_000;

describePg('a Discord shard swap whose login fails', (serverUrl) => {
  let stores: PgStores | undefined;
  let fake: FakeDiscord | undefined;
  let adapter: PlatformAdapter | undefined;
  afterEach(async () => {
    await adapter?.stop();
    await fake?.close();
    await stores?.close();
    adapter = undefined;
  });

  async function setup() {
    stores = await openPgStores(await freshDatabase(serverUrl), ME, { maxConnections: 4 });
    fake = await startFakeDiscord({ world: WORLD, recommendedShards: 2, maxConcurrency: 2, heartbeatIntervalMs: 1_000 });
    const s = stores;
    const logs = captureLogs();
    adapter = createDiscordAdapter(testConfig(fake), { logger: logs.logger });
    const { handlers, received } = storeHandlers(s, ME, adapter);
    await s.leases.acquire(`${INSTANCE_LEASE_PREFIX}${ME}`, ME, LONG);
    await adapter.start(handlers);
    await waitFor(async () => (await shardHolders(s.db)) === `discord-shard:0=${ME} discord-shard:1=${ME}` && fake!.readySockets() === 2,
      { timeoutMs: 60_000, what: 'both shards held and connected' });
    return { s, fake, received, logs };
  }

  /** Another instance appears (its heartbeat), the swap to shard 0 alone fails, the instance leaves again. */
  async function failSwap(s: PgStores, failure: () => void, logs: ReturnType<typeof captureLogs>) {
    failure();
    await s.leases.acquire(`${INSTANCE_LEASE_PREFIX}${OTHER}`, OTHER, LONG);
    const failed = await waitFor(() => logs.entries().find((e) => e.msg === 'discord shards could not be connected; leases released'),
      { timeoutMs: 60_000, what: 'the failed swap to be logged' });
    await s.leases.release(`${INSTANCE_LEASE_PREFIX}${OTHER}`, OTHER);
    return failed;
  }

  it('reports a login closed with 4004, retries, and hands on what both shards got meanwhile, once', async () => {
    const { s, fake, received, logs } = await setup();
    const alice = fakeUser(WORLD, 'alice');
    const failed = await failSwap(s, () => fake.refuseIdentify(4004), logs);
    expect(failed.level).toBe(50);
    // discord.js rejects login() on 4004; the adapter names the token.
    expect(String(failed.error)).toMatch(/refused the bot token/);
    // Nobody runs either shard now; these wait in the sessions the old Client left.
    const first = fake.userMessage({ from: alice, content: `<@${WORLD.bot.id}> a note for the first guild while nobody listens` });
    const second = fake.userMessage({ from: alice, content: `<@${WORLD.bot.id}> a note for the second guild while nobody listens`, channelId: SECOND.channelId });
    await waitFor(async () => (await shardHolders(s.db)) === `discord-shard:0=${ME} discord-shard:1=${ME}` && fake.readySockets() === 2,
      { timeoutMs: 60_000, what: 'both shards taken again' });
    await waitFor(() => received.some((m) => m.id === first.id) && received.some((m) => m.id === second.id), { timeoutMs: 30_000, what: 'both notes handed on' });
    expect(received.filter((m) => m.id === first.id || m.id === second.id)).toHaveLength(2);
    expect(fake.resumes.filter((r) => r.outcome === 'resumed').length).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('reports a login whose GET /gateway/bot fails, retries, and hands on what was sent meanwhile, once', async () => {
    const { s, fake, received, logs } = await setup();
    const alice = fakeUser(WORLD, 'alice');
    // One try and the adapter's one REST retry (testConfig): both fail.
    const failed = await failSwap(s, () => fake.failNext(/^GET \/gateway\/bot$/, 500, { message: 'upstream down', code: 0 }, { times: 2 }), logs);
    expect(failed.level).toBe(50);
    const note = fake.userMessage({ from: alice, content: `<@${WORLD.bot.id}> a note for the second guild during the outage`, channelId: SECOND.channelId });
    await waitFor(async () => (await shardHolders(s.db)) === `discord-shard:0=${ME} discord-shard:1=${ME}` && fake.readySockets() === 2,
      { timeoutMs: 60_000, what: 'both shards taken again' });
    await waitFor(() => received.some((m) => m.id === note.id), { timeoutMs: 30_000, what: 'the note handed on' });
    expect(received.filter((m) => m.id === note.id)).toHaveLength(1);
  }, 180_000);
});
