/**
 * IDENTIFY across instances: Discord lets a bot's shards identify max_concurrency at a time per
 * 5 s (bucket: shard id % max_concurrency) and answers one over the limit with Invalid Session.
 * discord.js spaces identifies only within one process, so two instances starting together
 * identify at once. Here two real Discord adapters (two instances' handlers on one PostgreSQL,
 * fixed shards 0 and 1 of 2) start at the same moment against a fake that enforces the limit
 * with max_concurrency 1: each IDENTIFY takes its slot from the store, none is refused, and
 * they arrive at least 5 s apart. With max_concurrency 2 the shards are in separate buckets,
 * each with its own slot.
 */
import { afterEach, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { silentLogger } from '../../src/logger.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { openPgStores, type PgStores } from '../../src/store/pg/index.js';
import { testConfig } from '../discord/helpers.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { DEFAULT_WORLD, type FakeWorld } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { describePg, freshDatabase } from './pg-env.js';
import { storeHandlers } from './discord-instances.js';

const SECOND = { id: '110000000000000001', name: 'Second Pool', channelId: '210000000000000001' };
const WORLD: FakeWorld = { ...DEFAULT_WORLD, extraGuilds: [SECOND] };

describePg('IDENTIFY slots shared by instances', (serverUrl) => {
  const open: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });

  /** Two instances, one shard each, on one database; resolves once both shards are connected. */
  async function startTwo(maxConcurrency: number): Promise<{ fake: FakeDiscord; buckets: string[] }> {
    const url = await freshDatabase(serverUrl);
    const fake = await startFakeDiscord({ world: WORLD, recommendedShards: 2, maxConcurrency, enforceIdentifyLimit: true, heartbeatIntervalMs: 1_000 });
    open.push(() => fake.close());
    const instances: Array<{ id: string; stores: PgStores; adapter: PlatformAdapter }> = [];
    for (const [id, shard] of [['id-a', 0], ['id-b', 1]] as const) {
      const stores = await openPgStores(url, id, { maxConnections: 2 });
      open.push(() => stores.close());
      const adapter = createDiscordAdapter(testConfig(fake, { shardCount: 2, shardIds: [shard] }), { logger: silentLogger });
      open.push(() => adapter.stop());
      instances.push({ id, stores, adapter });
    }
    // The same moment: without shared slots both would identify at once.
    await Promise.all(instances.map(({ id, stores, adapter }) => adapter.start(storeHandlers(stores, id, adapter).handlers)));
    await waitFor(() => JSON.stringify(fake.readyShards()) === '[[0,2],[1,2]]', { timeoutMs: 60_000, what: 'both shards connected' });
    const slots = await instances[0]!.stores.db.sql.rows<{ bucket: string }>('SELECT bucket FROM identify_slots ORDER BY bucket');
    return { fake, buckets: slots.map((r) => r.bucket) };
  }

  it('spaces two instances\' identifies of one bucket by the store, so Discord refuses none', async () => {
    const { fake, buckets } = await startTwo(1);
    expect(fake.identifies.filter((i) => i.refused), JSON.stringify(fake.identifies)).toEqual([]);
    expect(buckets).toEqual(['discord:identify:0']);
    expect(fake.identifies).toHaveLength(2);
    expect(fake.identifies[1]!.at - fake.identifies[0]!.at).toBeGreaterThanOrEqual(5_000);
  }, 120_000);

  it('gives shards of different buckets a slot each, so they need not wait for each other', async () => {
    const { fake, buckets } = await startTwo(2);
    expect(buckets).toEqual(['discord:identify:0', 'discord:identify:1']);
    expect(fake.identifies.filter((i) => i.refused)).toEqual([]);
    expect(fake.identifies).toHaveLength(2);
  }, 120_000);
});
