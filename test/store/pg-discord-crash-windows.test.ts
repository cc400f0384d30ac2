/**
 * The two ways a Discord shard's message could still be lost after a crash, closed, with real
 * CLI instances on one PostgreSQL against the Discord fake:
 *
 * - Slow intake. A message whose intake row takes longer than the session recorder's second
 *   (here: PostgreSQL holds the insert on a table lock) must not be recorded as seen. The instance
 *   is SIGKILLed while the insert waits; the next holder's RESUME replays the message and it is
 *   answered once.
 * - A crash during a catch-up. The next holder resumes the dead one's session to replay what it
 *   missed; until what that replay handed on is taken, the store keeps naming the old session and
 *   the catch-up leaves it resumable, so when this holder is killed too, a third replays it again.
 * - A dropped session. Discord no longer keeps the dead holder's session (RESUME gets Invalid
 *   Session), so nothing can be replayed: the next holder reads the history of the channels the
 *   shard saw after their stored marks (REST, after=) and answers what was missed, once.
 */
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_WORLD, fakeUser, type FakeWorld } from '../fakes/fake-discord-world.js';
import { guildShard } from '../fakes/fake-discord-shards.js';
import { describePg } from './pg-env.js';
import { messageOwner, shardHolders, startDiscordCluster, until, type DiscordCluster } from './discord-instances.js';

/** The default guild is on shard 0 of 2; this one is on shard 1. */
const SECOND = { id: '110000000000000001', name: 'Second Pool', channelId: '210000000000000001' };
const WORLD: FakeWorld = { ...DEFAULT_WORLD, extraGuilds: [SECOND] };
const mention = `<@${WORLD.bot.id}>`;
const alice = fakeUser(WORLD, 'alice');

/** Backends of the bot whose intake insert waits on a lock. */
const WAITING_INSERTS = `SELECT pid FROM pg_stat_activity
  WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO processed_messages%' AND pid <> pg_backend_pid()`;

describePg('a Discord shard\'s crash windows', (serverUrl) => {
  let running: DiscordCluster | undefined;
  let locker: pg.Client | undefined;
  afterEach(async () => {
    await locker?.end().catch(() => undefined);
    locker = undefined;
    await running?.close();
  });

  it('replays a message whose intake was still waiting when its instance was killed, and answers it once', async () => {
    running = await startDiscordCluster(serverUrl, { world: DEFAULT_WORLD, heartbeatIntervalMs: 1_000 });
    const { db, fake, instances: cluster } = running;
    const answersTo = (text: string) => fake.posted.filter((p) => String(p.body.content).includes(text));
    await cluster.start('dc-a');
    await until('dc-a connected', () => fake.readySockets() === 1, 60_000, cluster.context);
    fake.userMessage({ from: alice, content: `${mention} what is a good first step for learning to knit?` });
    await until('the first answer', () => answersTo('learning to knit').length === 1, 60_000, cluster.context);

    // Intake rows cannot be written while the test holds this lock: the next message's insert waits.
    locker = new pg.Client({ connectionString: running.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE processed_messages IN SHARE MODE');
    const slow = fake.userMessage({ from: alice, content: `${mention} which tide pools are best for spotting crabs?` });
    await until('the intake insert to wait on the lock', async () => (await db.sql.rows(WAITING_INSERTS)).length > 0, 60_000, cluster.context);
    // Another bot keeps posting (the adapter ignores bots, so nothing of it waits on the lock) and
    // the sequence keeps moving: three writes of the session row while the insert waits. A
    // recorder trailing by one second alone would have recorded the message as seen by the second.
    const otherBot = fakeUser(DEFAULT_WORLD, 'otherbot');
    const writes = new Set<number>();
    const since = Date.now();
    await until('three session writes while the insert waits', async () => {
      fake.userMessage({ from: otherBot, content: 'beep' });
      const row = await db.sql.one<{ updated_at: string }>("SELECT updated_at FROM gateway_sessions WHERE shard_key = 'discord:0'");
      if (row !== undefined && Number(row.updated_at) > since) writes.add(Number(row.updated_at));
      return writes.size >= 3;
    }, 60_000, cluster.context, 200);

    // The crash: the process dies and its waiting insert with it (PostgreSQL only notices a dead
    // client when it writes to it, so the test ends that backend as the crash would have).
    cluster.kill('dc-a');
    for (const { pid } of await db.sql.rows<{ pid: number }>(WAITING_INSERTS)) await db.sql.run('SELECT pg_terminate_backend($1, 30000)', [pid]);
    await locker.query('ROLLBACK');

    await cluster.start('dc-b');
    await until('the answer to the message in flight', () => answersTo('spotting crabs').length === 1, 120_000, cluster.context);
    expect(await until('recorded', () => messageOwner(db, slow.id), 30_000, cluster.context)).toBe('dc-b');
    expect(fake.resumes.map((r) => r.outcome)).toContain('resumed');
    expect(answersTo('learning to knit')).toHaveLength(1);
    expect(answersTo('spotting crabs')).toHaveLength(1);
  }, 300_000);

  it('keeps the previous session resumable and in the store until its replay is taken, so a holder killed mid-catch-up loses nothing', async () => {
    running = await startDiscordCluster(serverUrl, { world: DEFAULT_WORLD, heartbeatIntervalMs: 1_000 });
    const { db, fake, instances: cluster } = running;
    const answersTo = (text: string) => fake.posted.filter((p) => String(p.body.content).includes(text));
    const storedSession = async () => (await db.sql.one<{ session_id: string }>("SELECT session_id FROM gateway_sessions WHERE shard_key = 'discord:0'"))?.session_id;
    await cluster.start('dc-a');
    await until('dc-a connected', () => fake.readySockets() === 1, 60_000, cluster.context);
    const first = fake.userMessage({ from: alice, content: `${mention} what is a good first step for learning to knit?` });
    await until('the first answer', () => answersTo('learning to knit').length === 1, 60_000, cluster.context);
    // Completed, not only answered: a kill between the two would have it answered again on resume.
    await until('the first message completed', () => messageOwner(db, first.id), 30_000, cluster.context);
    cluster.kill('dc-a');
    await until('no holder connected', () => fake.readySockets() === 0, 60_000, cluster.context, 10);
    const old = await storedSession();
    const missed = fake.userMessage({ from: alice, content: `${mention} which tide pools are best for spotting crabs?` });

    // dc-b takes the shard over and replays dc-a's session, but the replayed message's intake waits.
    locker = new pg.Client({ connectionString: running.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE processed_messages IN SHARE MODE');
    const starting = cluster.start('dc-b').catch(() => undefined);
    await until('the replayed message\'s insert to wait on the lock', async () => (await db.sql.rows(WAITING_INSERTS)).length > 0, 120_000, cluster.context);
    await until('dc-b\'s catch-up to end', () => cluster.all.get('dc-b')!.stderr.includes('discord shard caught up on its previous session'), 60_000, cluster.context);
    // dc-b's recorder is running (it writes the channel's mark as another bot posts), yet the row still names dc-a's session.
    const otherBot = fakeUser(DEFAULT_WORLD, 'otherbot');
    const sentAt = Date.now();
    await until('dc-b to write a channel mark', async () => {
      fake.userMessage({ from: otherBot, content: 'beep' });
      const row = await db.sql.one<{ seen_at: string }>("SELECT seen_at FROM gateway_channel_marks WHERE shard_key = 'discord:0' AND channel_id = $1", [DEFAULT_WORLD.channels.general]);
      return row !== undefined && Number(row.seen_at) >= sentAt;
    }, 60_000, cluster.context, 200);
    expect(await storedSession()).toBe(old);

    cluster.kill('dc-b');
    await starting;
    for (const { pid } of await db.sql.rows<{ pid: number }>(WAITING_INSERTS)) await db.sql.run('SELECT pg_terminate_backend($1, 30000)', [pid]);
    await locker.query('ROLLBACK');
    await cluster.start('dc-c');
    await until('the answer to what dc-b was handed when it died', () => answersTo('spotting crabs').length === 1, 120_000, cluster.context);
    expect(await until('recorded', () => messageOwner(db, missed.id), 30_000, cluster.context)).toBe('dc-c');
    expect(fake.resumes.filter((r) => r.sessionId === old).map((r) => r.outcome)).toEqual(['resumed', 'resumed']);
    expect(answersTo('learning to knit')).toHaveLength(1);
    expect(answersTo('spotting crabs')).toHaveLength(1);
  }, 420_000);

  it('reads a dropped session\'s channels after their marks and answers what was missed, once', async () => {
    expect([guildShard(WORLD.guild.id, 2), guildShard(SECOND.id, 2)]).toEqual([0, 1]);
    running = await startDiscordCluster(serverUrl, { world: WORLD, recommendedShards: 2, maxConcurrency: 2, heartbeatIntervalMs: 1_000 });
    const { db, fake, instances: cluster } = running;
    const holders = () => shardHolders(db);
    const shard1Connected = () => fake.readyShards().some(([id]) => id === 1);
    const answersTo = (text: string) => fake.posted.filter((p) => p.channelId === SECOND.channelId && String(p.body.content).includes(text));

    await cluster.start('dc-a');
    await until('dc-a to run both shards', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-a', 90_000, cluster.context);
    await cluster.start('dc-b');
    await until('one shard each', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-b'
      && JSON.stringify(fake.readyShards()) === '[[0,2],[1,2]]', 120_000, cluster.context);
    const seen = fake.userMessage({ from: alice, content: `${mention} what is a good first step for learning to knit?`, channelId: SECOND.channelId });
    await until('the answer from dc-b', () => answersTo('learning to knit').length === 1, 60_000, cluster.context);
    expect(await until('recorded', () => messageOwner(db, seen.id), 30_000, cluster.context)).toBe('dc-b');
    await until('the channel marked as taken up to it', async () => {
      const row = await db.sql.one<{ last_message_id: string }>(
        "SELECT last_message_id FROM gateway_channel_marks WHERE shard_key = 'discord:1' AND channel_id = $1", [SECOND.channelId]);
      return row !== undefined && BigInt(row.last_message_id) >= BigInt(seen.id);
    }, 30_000, cluster.context);

    // dc-b dies and Discord drops its session: what is sent now exists only in the channel's history.
    cluster.kill('dc-b');
    await until('shard 1 without a connection', () => !shard1Connected(), 60_000, cluster.context, 10);
    fake.dropDetachedSessions();
    const missed = fake.userMessage({ from: alice, content: `${mention} can you suggest a book about the printing press?`, channelId: SECOND.channelId });
    await until('dc-a to take shard 1 back', async () => (await holders()) === 'discord-shard:0=dc-a discord-shard:1=dc-a', 120_000, cluster.context);
    await until('the answer to what was missed', () => answersTo('printing press').length === 1, 60_000, cluster.context);
    expect(await until('recorded', () => messageOwner(db, missed.id), 30_000, cluster.context)).toBe('dc-a');
    expect(fake.resumes.filter((r) => r.outcome === 'invalid').length).toBeGreaterThan(0);
    const reads = fake.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${SECOND.channelId}/messages`);
    // From the mark: at or past what dc-b took (its own answer's echo moves it too), before what it missed.
    const afters = reads.map((r) => BigInt(new URLSearchParams(r.query).get('after') ?? '0'));
    expect(afters.length).toBeGreaterThan(0);
    for (const after of afters) expect(after >= BigInt(seen.id) && after < BigInt(missed.id), String(after)).toBe(true);

    // Nothing answered twice: the history read starts after what dc-b had taken.
    expect(answersTo('learning to knit')).toHaveLength(1);
    expect(answersTo('printing press')).toHaveLength(1);
    expect(fake.unexpected).toEqual([]);
  }, 420_000);
});
