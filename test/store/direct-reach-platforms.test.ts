/**
 * Discord's and Slack's memory of whom the bot can message privately lives in the store, on
 * SQLite and on PostgreSQL: through the real adapters (discord.js, bolt) against their fakes, an
 * adapter that never saw a person (another instance, or this one restarted) reaches them on the
 * DM channel another adapter learnt, without asking the platform again, and does not retry a DM
 * the platform refused.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { silentLogger } from '../../src/logger.js';
import { platformUserKey } from '../../src/messages.js';
import type { BotHandlers, DirectReachBook, PlatformAdapter } from '../../src/ports.js';
import { RecordingHandlers as DiscordHandlers, testConfig as discordConfig } from '../discord/helpers.js';
import { startFakeDiscord } from '../fakes/fake-discord.js';
import { fakeUser } from '../fakes/fake-discord-world.js';
import { eventCallback, signedPost, startFakeSlack } from '../fakes/fake-slack.js';
import { waitFor } from '../helpers/wait-for.js';
import { DM, dmEvent, USER } from '../slack/fixtures.js';
import { RecordingHandlers as SlackHandlers, SIGNING_SECRET, testConfig as slackConfig } from '../slack/harness.js';
import { describePg } from './pg-env.js';
import { pgStores, sqliteStores, type StoreFactory, type StoreSet } from './stores.js';

function bookFor(s: StoreSet, platform: string): DirectReachBook {
  return {
    get: (userId) => s.shared.directReach(platformUserKey(platform, userId), new Date()),
    set: (userId, reach) => s.shared.setDirectReach(platformUserKey(platform, userId), reach, new Date()),
  };
}

/** The recording handlers plus the store's book, as createBot hands them to an adapter. */
function withBook(h: Pick<BotHandlers, 'onMessage' | 'onCommand'>, book: DirectReachBook): BotHandlers {
  return { onMessage: (m) => h.onMessage(m), onCommand: (c) => h.onCommand(c), directReach: book };
}

function platformReach(make: StoreFactory): void {
  const open: Array<() => Promise<void>> = [];
  let s: StoreSet | undefined;
  afterEach(async () => {
    for (const stop of open.splice(0).reverse()) await stop();
    await s?.close();
  });

  it('Discord: a fresh adapter DMs a person another adapter saw, and skips a refused DM, without asking Discord', async () => {
    s = await make();
    const book = bookFor(s, 'discord');
    const fake = await startFakeDiscord({ heartbeatIntervalMs: 500 });
    open.push(() => fake.close());
    const start = async (): Promise<PlatformAdapter> => {
      const adapter = createDiscordAdapter(discordConfig(fake), { logger: silentLogger });
      open.push(() => adapter.stop());
      await adapter.start(withBook(new DiscordHandlers(), book));
      return adapter;
    };
    const createDms = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/users/@me/channels').length;
    const alice = fakeUser(fake.world, 'alice');
    const bob = fakeUser(fake.world, 'bob');
    const aliceDm = String(BigInt(alice.id) + 1n);

    const first = await start();
    fake.userMessage({ from: alice, content: 'hello there', dm: true });
    await waitFor(async () => (await book.get(alice.id))?.state === 'open', { what: 'alice recorded as reachable' });
    expect(await book.get(alice.id)).toEqual({ state: 'open', channelId: aliceDm });
    await first.stop();

    const second = await start();
    expect(await second.openDirect(alice.id)).toEqual({ platform: 'discord', channelId: aliceDm });
    expect(createDms()).toBe(0);

    // Bob blocks DMs: Discord opens the channel but refuses the message (50007).
    fake.closeDms(bob.id);
    const bobDm = await second.openDirect(bob.id);
    expect(bobDm).toBeDefined();
    expect(createDms()).toBe(1);
    await expect(second.send({ conversation: bobDm!, text: 'Here are some numbers you can call.', kind: 'resources' })).rejects.toThrow();
    await waitFor(async () => (await book.get(bob.id))?.state === 'closed', { what: 'bob recorded as refusing DMs' });
    await second.stop();

    const third = await start();
    expect(await third.openDirect(bob.id)).toBeUndefined();
    expect(createDms()).toBe(1);
    // Someone nobody saw is asked of Discord, as before.
    expect(await third.openDirect(fakeUser(fake.world, 'otherbot').id)).toBeDefined();
    expect(createDms()).toBe(2);
  });

  it('Slack: a fresh adapter DMs a person another adapter saw, and skips a DM Slack refused, without conversations.open', async () => {
    s = await make();
    const book = bookFor(s, 'slack');
    const fake = await startFakeSlack();
    open.push(() => fake.close());
    const start = async () => {
      const adapter = createSlackAdapter(slackConfig(fake), { logger: silentLogger, sleep: async () => undefined });
      open.push(() => adapter.stop());
      await adapter.start(withBook(new SlackHandlers(), book));
      return adapter;
    };
    const opens = () => fake.callsTo('conversations.open').length;

    const first = await start();
    const res = await signedPost(`http://127.0.0.1:${first.port}/slack/events`, eventCallback(dmEvent('hello there')), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    await waitFor(async () => (await book.get(USER))?.state === 'open', { what: 'the DM author recorded as reachable' });
    expect(await book.get(USER)).toEqual({ state: 'open', channelId: DM });
    await first.stop();

    const second = await start();
    expect(await second.openDirect(USER)).toMatchObject({ platform: 'slack', channelId: DM });
    expect(opens()).toBe(0);
    // The fake, like Slack, refuses a DM with a bot (cannot_dm_bot).
    expect(await second.openDirect('B0OTHERBOT')).toBeUndefined();
    expect(opens()).toBe(1);
    await waitFor(async () => (await book.get('B0OTHERBOT'))?.state === 'closed', { what: 'the refusal recorded' });
    await second.stop();

    const third = await start();
    expect(await third.openDirect('B0OTHERBOT')).toBeUndefined();
    expect(opens()).toBe(1);
    // Someone nobody saw is asked of Slack, and what Slack says is kept for the next one.
    expect(await third.openDirect('U0CAROL')).toMatchObject({ channelId: 'D0CAROL' });
    expect(opens()).toBe(2);
    await waitFor(async () => (await book.get('U0CAROL'))?.state === 'open', { what: 'the opened DM recorded' });
  });
}

describe('Discord and Slack DM reachability on SQLite', () => platformReach(sqliteStores));

describePg('Discord and Slack DM reachability on PostgreSQL', (serverUrl) => {
  const factory = pgStores(serverUrl);
  afterAll(() => factory.shutdown());
  platformReach(factory);
});
