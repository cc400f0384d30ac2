/**
 * Whom the bot may message privately on Telegram is kept in the store, through the real grammY
 * adapter against the Telegram fake: a user who wrote privately to one adapter (one instance,
 * or this one before a restart) can be messaged privately by another that never saw them; a user
 * nobody saw cannot.
 */
import { afterEach, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.js';
import { silentLogger } from '../../src/logger.js';
import { platformUserKey } from '../../src/messages.js';
import type { DirectReachBook } from '../../src/ports.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteSharedState } from '../../src/store/sqlite/sqlite-shared-state.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram.js';
import { alice, bob, BOT, privateText, update } from '../telegram/fixtures.js';
import { recordingHandlers, testConfig } from '../telegram/harness.js';

const open: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.stop();
});

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('lets a second Telegram adapter message privately a user only the first one saw, through the store', async () => {
  const db = openDatabase(':memory:');
  const shared = new SqliteSharedState(db);
  const book: DirectReachBook = {
    get: (userId) => shared.directReach(platformUserKey('telegram', userId), new Date()),
    set: (userId, reach) => shared.setDirectReach(platformUserKey('telegram', userId), reach, new Date()),
  };
  const fake: FakeTelegram = await startFakeTelegram({ bot: BOT });
  open.push({ stop: () => fake.close() });
  const start = async (): Promise<TelegramAdapter> => {
    const adapter = createTelegramAdapter(testConfig(fake), { logger: silentLogger });
    await adapter.start({ ...recordingHandlers(), directReach: book });
    open.push({ stop: () => adapter.stop() });
    return adapter;
  };
  const first = await start();
  fake.pushUpdate(update(privateText(alice, 'hello there')));
  await until('alice recorded as reachable', async () => (await book.get(String(alice.id)))?.state === 'open');
  expect(await first.openDirect(String(alice.id))).toMatchObject({ platform: 'telegram', channelId: String(alice.id) });
  await first.stop();

  // A fresh adapter (another instance, or this one restarted) never saw alice write.
  const second = await start();
  expect(await second.openDirect(String(alice.id))).toMatchObject({ platform: 'telegram', channelId: String(alice.id) });
  expect(await second.openDirect(String(bob.id))).toBeUndefined();
  db.close();
});
