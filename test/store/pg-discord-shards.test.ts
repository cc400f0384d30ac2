/**
 * Discord shards split across two real bot instances (the real CLI) on one PostgreSQL, against
 * the Discord fake, which routes each guild's events to its shard ((guild_id >> 22) % count) as
 * Discord does. With no DISCORD_SHARD_IDS the instances split the recommended two shards through
 * the lease table: the first takes both, gives one up when the second arrives, and takes it back
 * when the second is SIGKILLed. A moderator's button pressed in the guild of the other shard
 * acknowledges a case the first instance never saw: cases live in the store.
 */
import { afterEach, expect, it } from 'vitest';
import { buttonPayload, DEFAULT_WORLD, fakeUser, type FakeWorld } from '../fakes/fake-discord-world.js';
import { guildShard } from '../fakes/fake-discord-shards.js';
import { describePg } from './pg-env.js';
import { messageOwner, shardHolders, startDiscordCluster, until, type DiscordCluster } from './discord-instances.js';

/** The default guild is on shard 0 of 2; this one is on shard 1. */
const SECOND = { id: '110000000000000001', name: 'Second Pool', channelId: '210000000000000001' };
const CAROL = { id: '500000000000000003', username: 'carol', global_name: 'Carol', discriminator: '0' as const, avatar: null };
const WORLD: FakeWorld = { ...DEFAULT_WORLD, users: [...DEFAULT_WORLD.users, CAROL], extraGuilds: [SECOND] };

describePg('Discord shards across instances', (serverUrl) => {
  let running: DiscordCluster | undefined;
  afterEach(async () => running?.close());

  it('splits the shards through leases, acts on a button from either shard, and moves a dead instance\'s shard', async () => {
    expect([guildShard(WORLD.guild.id, 2), guildShard(SECOND.id, 2)]).toEqual([0, 1]);
    // max_concurrency 2: two shards may identify at once, as large bots are allowed.
    running = await startDiscordCluster(serverUrl, { world: WORLD, recommendedShards: 2, maxConcurrency: 2, heartbeatIntervalMs: 1_000 });
    const { db, fake, instances: cluster } = running;
    const context = cluster.context;
    const start = (id: string) => cluster.start(id);
    const holders = () => shardHolders(db);
    const oneSocketPerShard = () => JSON.stringify(fake.readyShards()) === '[[0,2],[1,2]]';
    const owner = (messageId: string) => messageOwner(db, messageId);
    const mention = `<@${WORLD.bot.id}>`;
    const alice = fakeUser(WORLD, 'alice');
    const postsIn = (channelId: string) => fake.posted.filter((p) => p.channelId === channelId);

    // Alone, the first instance runs both shards.
    await start('dc-a');
    await until('dc-a to hold both shards', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-a' && oneSocketPerShard(), 60_000, context);

    // The second arrives: one shard each, each shard connected once.
    await start('dc-b');
    await until('one shard each', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-b' && oneSocketPerShard(), 60_000, context);
    const inFirst = fake.userMessage({ from: alice, content: `${mention} what is a good first step for learning to knit?` });
    const inSecond = fake.userMessage({ from: alice, content: `${mention} which tide pools are best for spotting crabs?`, channelId: SECOND.channelId });
    await until('both answers', () => postsIn(WORLD.channels.general).length === 1 && postsIn(SECOND.channelId).length === 1, 60_000, context);
    expect(await until('first recorded', () => owner(inFirst.id), 30_000, context)).toBe('dc-a');
    expect(await until('second recorded', () => owner(inSecond.id), 30_000, context)).toBe('dc-b');

    // A crisis in the second guild: dc-b opens the case, and the alert goes to the moderators'
    // channel, which is in the first guild (shard 0, dc-a).
    const crisis = fake.userMessage({ from: CAROL, content: `${mention} honestly I keep thinking I should kill myself`, channelId: SECOND.channelId });
    const [alert] = await until('the alert', () => postsIn(WORLD.channels.moderators).length > 0 && postsIn(WORLD.channels.moderators), 60_000, context);
    expect(await until('crisis recorded', () => owner(crisis.id), 30_000, context)).toBe('dc-b');
    const ack = alert!.body.components[0].components[0].custom_id as string;
    fake.interaction(buttonPayload(WORLD, {
      id: '810000000000000001', token: 'press-ack', from: fakeUser(WORLD, 'bob'), customId: ack,
      message: { id: alert!.id, channelId: WORLD.channels.moderators },
    }));
    // Only dc-a runs shard 0, where the press arrives; it acts through the store.
    await until('the press acknowledged', () => fake.callbacks.some((c) => c.interactionId === '810000000000000001'), 30_000, context);
    await until('the case acknowledged in the store', async () =>
      (await db.sql.one<{ status: string }>('SELECT status FROM cases WHERE user_id = $1', [CAROL.id]))?.status === 'acknowledged', 30_000, context);

    // dc-b dies: its shard lease lapses and dc-a runs both shards again.
    cluster.kill('dc-b');
    await until('dc-a to take shard 1 back', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-a' && oneSocketPerShard(), 90_000, context);
    const after = fake.userMessage({ from: alice, content: `${mention} can you suggest a good book about the history of the printing press?`, channelId: SECOND.channelId });
    await until('the answer after the move', () => postsIn(SECOND.channelId).some((p) => String(p.body.content).includes('printing press')), 60_000, context);
    expect(await until('recorded after the move', () => owner(after.id), 30_000, context)).toBe('dc-a');
    // Nothing answered twice in either guild.
    const replies = [...postsIn(WORLD.channels.general), ...postsIn(SECOND.channelId)].filter((p) => String(p.body.content).startsWith('echo:'));
    expect(new Set(replies.map((p) => p.body.content)).size).toBe(replies.length);
    expect(fake.unexpected).toEqual([]);
  }, 300_000);
});
