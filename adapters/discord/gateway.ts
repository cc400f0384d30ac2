/**
 * The discord.js Client the adapter runs, and how its shards are chosen: all of them in one
 * process (the default; DISCORD_SHARD_COUNT alone runs that many here), a fixed set
 * (DISCORD_SHARD_IDS), or a share taken through the lease table (shard-leases.ts), which changes
 * while the bot runs. A change builds a new Client for the new set; the REST manager moves over to
 * it, so replies in flight keep their queue and rate-limit state across the swap.
 */
import { Client, Events, GatewayIntentBits, Partials, REST, type WebSocketOptions } from 'discord.js';
import type { DiscordAdapterConfig } from './config.js';
import { mapDiscordError } from './errors.js';

/**
 * Exactly the intents the bot needs (PLATFORMS.md §3.1): guild and channel structure,
 * guild messages and their text (MessageContent is privileged: enable it in the portal, or
 * the gateway closes with 4014), and DMs.
 */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
] as const;

/** A 429 asking for a longer wait than this fails fast (PLATFORM_RATE_LIMITED) instead of holding a reply for minutes. */
const MAX_RATE_LIMIT_WAIT_MS = 30_000;

/** Which shards a Client runs, out of how many; undefined: discord.js's default (shard 0 of 1). */
export type ShardSet = { ids: number[]; count: number } | undefined;

/** The shards this process runs when no lease decides: DISCORD_SHARD_IDS, or every shard of DISCORD_SHARD_COUNT. */
export function configuredShards(config: DiscordAdapterConfig): ShardSet {
  if (config.shardCount === undefined) return undefined;
  return { ids: config.shardIds ?? Array.from({ length: config.shardCount }, (_, i) => i), count: config.shardCount };
}

/** `ws`: the store's gateway hooks (sessions.ts), when the bot has a store. */
export function newDiscordClient(config: DiscordAdapterConfig, shards: ShardSet, ws?: WebSocketOptions): Client {
  return new Client({
    intents: [...DISCORD_INTENTS],
    // DM channels are not cached: without the Channel partial a DM's messageCreate never fires.
    partials: [Partials.Channel],
    rest: {
      ...(config.apiUrl !== undefined ? { api: config.apiUrl } : {}),
      retries: config.restRetries,
      timeout: config.restTimeoutMs,
      rejectOnRateLimit: (limit) => limit.retryAfter > MAX_RATE_LIMIT_WAIT_MS,
    },
    waitGuildTimeout: config.waitGuildTimeoutMs,
    // Defaults for anything sent through discord.js structures; raw sends set their own.
    allowedMentions: { parse: [], repliedUser: false },
    ...(shards === undefined ? {} : { shards: shards.ids, shardCount: shards.count }),
    ...(ws === undefined ? {} : { ws }),
  });
}

/** Logs in and resolves once every shard of the client is ready; a failed login destroys it. */
export async function loginAndWait(client: Client, token: string): Promise<void> {
  // Listener first: ClientReady can fire before login() resolves (PLATFORMS.md §3.2).
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    throw mapDiscordError(error, { stage: 'login' });
  }
  await ready;
}

/**
 * Hands `from`'s REST manager to `to` and shuts `from`'s gateway down. destroy() clears the
 * token of the REST manager it holds, so `from` gets a spare one first.
 */
export async function swapClient(from: Client, to: Client): Promise<void> {
  to.rest = from.rest;
  from.rest = new REST();
  // A deliberate shutdown, not an outage: none of the old client's close events are logged.
  from.removeAllListeners();
  await from.destroy().catch(() => undefined);
}
