/**
 * Discord sharding on one instance's side: DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS are checked at
 * start, a fixed split runs exactly the named shards (the real discord.js Client against the fake,
 * which routes each guild's events to its shard and DMs to shard 0), and the lease split's shares
 * are even. The split across instances through leases: test/store/pg-discord-shards.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { discordConfigFromEnv } from '../../adapters/discord/config.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { shareOf } from '../../adapters/discord/shard-leases.js';
import { silentLogger } from '../../src/logger.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { FAKE_DISCORD_TOKEN, startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { DEFAULT_WORLD, fakeUser, type FakeWorld } from '../fakes/fake-discord-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { RecordingHandlers, testConfig } from './helpers.js';

const SECOND = { id: '110000000000000001', name: 'Second Pool', channelId: '210000000000000001' };
const WORLD: FakeWorld = { ...DEFAULT_WORLD, extraGuilds: [SECOND] };
const base = { DISCORD_BOT_TOKEN: FAKE_DISCORD_TOKEN };

describe('DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS', () => {
  it('reads a count alone, and ids with a count', () => {
    expect(discordConfigFromEnv(base)).toMatchObject({ shardCount: undefined, shardIds: undefined });
    expect(discordConfigFromEnv({ ...base, DISCORD_SHARD_COUNT: '4' })).toMatchObject({ shardCount: 4, shardIds: undefined });
    expect(discordConfigFromEnv({ ...base, DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '3, 1,1' })).toMatchObject({ shardCount: 4, shardIds: [1, 3] });
  });

  it('refuses ids without a count, ids past the count, and a count that is not a whole number', () => {
    expect(() => discordConfigFromEnv({ ...base, DISCORD_SHARD_IDS: '0' })).toThrow(/DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT/);
    expect(() => discordConfigFromEnv({ ...base, DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0,2' })).toThrow(/from 0 to 1/);
    expect(() => discordConfigFromEnv({ ...base, DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: 'one' })).toThrow(/DISCORD_SHARD_IDS is invalid/);
    for (const count of ['0', '1.5', 'two', '-1']) {
      expect(() => discordConfigFromEnv({ ...base, DISCORD_SHARD_COUNT: count })).toThrow(/DISCORD_SHARD_COUNT is invalid/);
    }
  });
});

describe('shares of the lease split', () => {
  it('gives every live instance between floor and ceiling of shards per instance', () => {
    expect(shareOf(2, 1)).toEqual({ min: 2, max: 2 });
    expect(shareOf(2, 2)).toEqual({ min: 1, max: 1 });
    expect(shareOf(3, 2)).toEqual({ min: 1, max: 2 });
    // More instances than shards: some run none, none runs two.
    expect(shareOf(1, 3)).toEqual({ min: 0, max: 1 });
    // The store saw no live instance yet (this one's heartbeat not written): treated as alone.
    expect(shareOf(2, 0)).toEqual({ min: 2, max: 2 });
  });
});

describe('a fixed shard split', () => {
  let fake: FakeDiscord | undefined;
  const adapters: PlatformAdapter[] = [];
  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.stop();
    await fake?.close();
  });

  it('runs only the named shard: guild events by shard, direct messages on shard 0', async () => {
    fake = await startFakeDiscord({ world: WORLD, heartbeatIntervalMs: 500 });
    const start = async (id: number) => {
      const handlers = new RecordingHandlers();
      const adapter = createDiscordAdapter(testConfig(fake!, { shardCount: 2, shardIds: [id] }), { logger: silentLogger });
      adapters.push(adapter);
      await adapter.start(handlers);
      return handlers;
    };
    const [zero, one] = [await start(0), await start(1)];
    expect(fake.readyShards()).toEqual([[0, 2], [1, 2]]);
    expect(fake.identifies.map((i) => i.shard)).toEqual([[0, 2], [1, 2]]);

    const alice = fakeUser(WORLD, 'alice');
    const mention = `<@${WORLD.bot.id}>`;
    fake.userMessage({ from: alice, content: `${mention} in the first guild` });
    fake.userMessage({ from: alice, content: `${mention} in the second guild`, channelId: SECOND.channelId });
    fake.userMessage({ from: alice, content: 'a direct message', dm: true });
    await waitFor(() => zero.messages.length === 2 && one.messages.length === 1, { what: 'each shard\'s messages' });
    expect(zero.messages.map((m) => m.text)).toEqual([`${mention} in the first guild`, 'a direct message'].map((t) => expect.stringContaining(t.replace(mention, '').trim())));
    expect(one.messages.map((m) => m.conversation.communityId)).toEqual([SECOND.id]);
  });
});
