/**
 * A Discord shard that moves between instances misses nothing: two real CLI instances on one
 * PostgreSQL, against the Discord fake, which keeps each session's events while it is
 * disconnected and replays them on RESUME, ends a session closed with 1000, and (here) refuses
 * an IDENTIFY over max_concurrency per 5 s with Invalid Session, as Discord does.
 *
 * - When the second instance arrives, shard 1 moves to it. A message sent while no instance runs
 *   shard 1 is answered once, by the second instance, which resumed the first one's session of
 *   shard 1 to catch up.
 * - When the second instance is SIGKILLed, the first takes shard 1 back and catches up on the
 *   dead instance's session: a message sent while shard 1 had no holder is answered once.
 * - With max_concurrency 1, every IDENTIFY of both instances waits for its slot in the store: none
 *   is refused, and accepted ones are at least 5 s apart.
 */
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_WORLD, fakeUser, type FakeWorld } from '../fakes/fake-discord-world.js';
import { guildShard } from '../fakes/fake-discord-shards.js';
import { describePg } from './pg-env.js';
import { messageOwner, shardHolders, startDiscordCluster, until, type DiscordCluster } from './discord-instances.js';

/** The default guild is on shard 0 of 2; this one is on shard 1. */
const SECOND = { id: '110000000000000001', name: 'Second Pool', channelId: '210000000000000001' };
const WORLD: FakeWorld = { ...DEFAULT_WORLD, extraGuilds: [SECOND] };

describePg('a Discord shard moving between instances', (serverUrl) => {
  let running: DiscordCluster | undefined;
  afterEach(async () => running?.close());

  it('answers what was sent while the shard moved, once, and spaces identifies across instances', async () => {
    expect([guildShard(WORLD.guild.id, 2), guildShard(SECOND.id, 2)]).toEqual([0, 1]);
    running = await startDiscordCluster(serverUrl, { world: WORLD, recommendedShards: 2, maxConcurrency: 1, enforceIdentifyLimit: true, heartbeatIntervalMs: 1_000 });
    const { db, fake, instances: cluster } = running;
    const holders = () => shardHolders(db);
    const shard1Connected = () => fake.readyShards().some(([id]) => id === 1);
    const mention = `<@${WORLD.bot.id}>`;
    const alice = fakeUser(WORLD, 'alice');
    const answersTo = (text: string) => fake.posted.filter((p) => p.channelId === SECOND.channelId && String(p.body.content).includes(text));

    await cluster.start('dc-a');
    await until('dc-a to run both shards', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-a'
      && JSON.stringify(fake.readyShards()) === '[[0,2],[1,2]]', 90_000, cluster.context);
    const before = fake.userMessage({ from: alice, content: `${mention} what is a good first step for learning to knit?`, channelId: SECOND.channelId });
    await until('the answer before the move', () => answersTo('learning to knit').length === 1, 60_000, cluster.context);

    // dc-b arrives; dc-a hands shard 1 over. The message goes out while nobody runs shard 1.
    const b = cluster.start('dc-b');
    await until('shard 1 between holders', () => !shard1Connected(), 120_000, cluster.context, 10);
    const during = fake.userMessage({ from: alice, content: `${mention} which tide pools are best for spotting crabs?`, channelId: SECOND.channelId });
    await b;
    await until('one shard each', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-b', 120_000, cluster.context);
    await until('the answer to what was sent during the move', () => answersTo('spotting crabs').length === 1, 60_000, cluster.context);
    expect(await until('recorded', () => messageOwner(db, during.id), 30_000, cluster.context)).toBe('dc-b');
    expect(fake.resumes.some((r) => r.outcome === 'resumed')).toBe(true);

    // dc-b dies. Until dc-a takes shard 1 back, its events collect on dc-b's session.
    cluster.kill('dc-b');
    await until('shard 1 without a connection', () => !shard1Connected(), 60_000, cluster.context, 10);
    const orphaned = fake.userMessage({ from: alice, content: `${mention} can you suggest a book about the printing press?`, channelId: SECOND.channelId });
    await until('dc-a to take shard 1 back', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-a', 120_000, cluster.context);
    await until('the answer to what was sent while shard 1 had no holder', () => answersTo('printing press').length === 1, 60_000, cluster.context);
    expect(await until('recorded', () => messageOwner(db, orphaned.id), 30_000, cluster.context)).toBe('dc-a');

    // Replays overlap what was already answered: still one answer each.
    for (const text of ['learning to knit', 'spotting crabs', 'printing press']) expect(answersTo(text)).toHaveLength(1);
    expect(await messageOwner(db, before.id)).toBe('dc-a');

    // max_concurrency 1: one bucket for both shards, every identify at least 5 s after the last.
    const refused = fake.identifies.filter((i) => i.refused);
    expect(refused, JSON.stringify(fake.identifies)).toEqual([]);
    const gaps = fake.identifies.slice(1).map((i, n) => i.at - fake.identifies[n]!.at);
    expect(Math.min(...gaps), JSON.stringify(fake.identifies)).toBeGreaterThanOrEqual(5_000);
    expect(fake.unexpected).toEqual([]);
  }, 420_000);
});
