/**
 * A Discord send repeated after a crash (a resumed message whose reply went out before its
 * completion was recorded) must not post a second copy: a message with a sendKey carries the same
 * nonce per part on every try, and Discord (here the fake, as documented for enforce_nonce)
 * returns the first message instead of creating another.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { silentLogger } from '../../src/logger.js';
import type { OutboundMessage } from '../../src/messages.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { RecordingHandlers, testConfig } from './helpers.js';

let fake: FakeDiscord;
let adapter: PlatformAdapter | undefined;
beforeEach(async () => {
  fake = await startFakeDiscord();
});
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.close();
});

it('posts a keyed reply once however often it is sent, each part under its own nonce, and keeps unkeyed sends apart', async () => {
  adapter = createDiscordAdapter(testConfig(fake), { logger: silentLogger });
  await adapter.start(new RecordingHandlers());
  const conversation = { platform: 'discord', channelId: fake.world.channels.general };
  const long = 'Slow breathing can help when things feel too much. '.repeat(51).trim();
  const reply: OutboundMessage = { conversation, text: long, kind: 'reply', sendKey: 'reply:1300000000000000001' };

  const first = await adapter.send(reply);
  const again = await adapter.send(reply);
  expect(again.id).toBe(first.id);
  expect(fake.posted).toHaveLength(2);
  expect(new Set(fake.posted.map((p) => p.body.nonce)).size).toBe(2);
  for (const p of fake.posted) expect(String(p.body.nonce).length).toBeLessThanOrEqual(25);

  // The fallback for the same message is another message; so is anything without a key.
  await adapter.send({ ...reply, text: 'Sorry, I cannot answer right now.', kind: 'fallback' });
  await adapter.send({ conversation, text: 'A notice.', kind: 'notice' });
  await adapter.send({ conversation, text: 'A notice.', kind: 'notice' });
  expect(fake.posted.map((p) => p.body.content).slice(2)).toEqual(['Sorry, I cannot answer right now.', 'A notice.', 'A notice.']);
});
