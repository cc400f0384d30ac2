/**
 * A shard that moved or restarted feeds what Discord replays through discord.js's own packet
 * handling (WebSocketManager.handlePacket, internal to discord.js 14). These tests fail loudly if
 * the installed discord.js lacks it, and check the start-time error a bot logs when it does.
 */
import { afterEach, expect, it } from 'vitest';
import { Client, GatewayIntentBits, version } from 'discord.js';
import { createDiscordAdapter } from '../../adapters/discord/index.js';
import { checkReplayHook, packetHandlerOf } from '../../adapters/discord/shard-clients.js';
import type { PlatformAdapter } from '../../src/ports.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { waitFor } from '../helpers/wait-for.js';
import { storeHandlers } from '../store/discord-instances.js';
import { sqliteStores, type StoreSet } from '../store/stores.js';
import { captureLogs, testConfig } from './helpers.js';

const HOOK_ERROR = /discord\.js has no WebSocketManager\.handlePacket/;

let fake: FakeDiscord | undefined;
let store: StoreSet | undefined;
let adapter: PlatformAdapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake?.close();
  await store?.close();
});

it('the installed discord.js still has the internal packet handler the catch-up replays through', () => {
  const client = new Client({ intents: [GatewayIntentBits.Guilds] });
  try {
    const handler = packetHandlerOf(client);
    if (handler === undefined) {
      throw new Error(`discord.js ${version} has no client.ws.handlePacket: a moved or restarted Discord shard would lose what it missed. ` +
        'Pin discord.js back to 14.28.1, or rewrite adapters/discord/shard-clients.ts replay() for the new version.');
    }
    // Same contract as 14.28: a packet for a client that is not ready yet is queued (false), not dropped.
    expect(handler({ op: 0, t: 'MESSAGE_CREATE', s: 2, d: {} }, { id: 0 })).toBe(false);
    expect((client.ws as unknown as { packetQueue: unknown[] }).packetQueue).toHaveLength(1);
  } finally {
    void client.destroy();
  }
});

it('logs one clear error at start when the client has no packet handler, and none when it has', () => {
  const missing = captureLogs();
  expect(checkReplayHook({ ws: {} as Client['ws'] }, missing.logger)).toBe(false);
  const errors = missing.entries().filter((e) => e.level === 50 || e.level === 'error');
  expect(errors).toHaveLength(1);
  expect(String(errors[0]!.msg)).toMatch(HOOK_ERROR);
  expect(errors[0]!.discordJs).toBe(version);

  const present = captureLogs();
  const client = new Client({ intents: [GatewayIntentBits.Guilds] });
  expect(checkReplayHook(client, present.logger)).toBe(true);
  void client.destroy();
  expect(present.entries()).toEqual([]);
});

it('a bot with a store starts without that error on the installed discord.js', async () => {
  fake = await startFakeDiscord({ heartbeatIntervalMs: 1_000 });
  store = await sqliteStores();
  const logs = captureLogs();
  adapter = createDiscordAdapter(testConfig(fake), { logger: logs.logger });
  const { handlers } = storeHandlers(store, 'solo', adapter);
  await adapter.start(handlers);
  await waitFor(() => fake!.readySockets() === 1, { timeoutMs: 30_000, what: 'the shard connected' });
  expect(logs.entries().filter((e) => HOOK_ERROR.test(String(e.msg)))).toEqual([]);
  expect(logs.entries().some((e) => e.msg === 'discord ready')).toBe(true);
}, 60_000);
