/**
 * Discord settings from the environment. The adapter is off unless DISCORD_BOT_TOKEN is set;
 * every other variable is optional. A wrong value stops startup with one line naming the
 * variable and what it expects (never echoing the token).
 */
import { httpUrl, invalid, matching, read, type Env } from '../shared/env.js';

export interface DiscordAdapterConfig {
  token: string;
  /**
   * REST base URL without the version (`https://discord.com/api` when unset). The gateway URL
   * comes from `GET /gateway/bot` on this base, so a proxy or a test fake redirects both.
   */
  apiUrl: string | undefined;
  /** Channels where the bot answers every message, not only mentions and replies. */
  channelIds: string[];
  /** The private moderator channel alerts go to; undefined disables the moderator sink. */
  moderatorChannelId: string | undefined;
  /** Register slash commands in these guilds (instant) instead of globally. */
  commandGuildIds: string[];
  /**
   * How often "typing…" is renewed while the model works. Discord shows it for about 10 s
   * (discord-api-docs PR #6263), so 8 s keeps it on without gaps.
   */
  typingIntervalMs: number;
  /** How long ready waits for GUILD_CREATE of unavailable guilds (discord.js default: 15 s). */
  waitGuildTimeoutMs: number;
  /** Timeout of one REST request (@discordjs/rest default: 15 s). */
  restTimeoutMs: number;
  /** Retries of a REST call that failed with 5xx or a network error (429s are waited out separately). */
  restRetries: number;
  /**
   * DISCORD_SHARD_COUNT: how many shards the bot runs in all (every instance must agree).
   * Undefined: Discord's recommendation (GET /gateway/bot) when instances split shards by
   * lease, else one shard.
   */
  shardCount: number | undefined;
  /**
   * DISCORD_SHARD_IDS: the shards this instance runs (a fixed split). Undefined: all of them on
   * one instance, or, with several instances on PostgreSQL, a share taken through the lease table.
   */
  shardIds: number[] | undefined;
}

/** Discord snowflakes are unsigned 64-bit integers written in decimal: 17 to 20 digits today. */
const SNOWFLAKE = /^\d{15,21}$/;
/**
 * A bot token is three base64url parts separated by dots; the first is the bot's user id in
 * base64. Checked loosely: the point is catching a pasted client secret or an empty quote.
 */
const TOKEN = /^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/;

function snowflakeList(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (!SNOWFLAKE.test(id)) {
      throw invalid(`${name} is invalid: expected comma-separated Discord ids (15-21 digits each) (got ${JSON.stringify(id)})`);
    }
  }
  return [...new Set(ids)];
}

function apiUrl(env: Env): string | undefined {
  // @discordjs/rest appends `/v10/...` itself: a trailing slash or version would double up.
  return httpUrl(env, 'DISCORD_API_URL', 'https://discord.com/api')?.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}

/** DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS, checked together: ids need a count, and each is below it. */
function shards(env: Env): Pick<DiscordAdapterConfig, 'shardCount' | 'shardIds'> {
  const rawCount = read(env, 'DISCORD_SHARD_COUNT');
  const shardCount = rawCount === undefined ? undefined : Number(rawCount);
  if (shardCount !== undefined && (!/^\d+$/.test(rawCount!) || shardCount < 1 || shardCount > 4096)) {
    throw invalid(`DISCORD_SHARD_COUNT is invalid: expected a whole number from 1 to 4096 (got ${JSON.stringify(rawCount)})`);
  }
  const rawIds = read(env, 'DISCORD_SHARD_IDS');
  if (rawIds === undefined) return { shardCount, shardIds: undefined };
  if (shardCount === undefined) {
    throw invalid('DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT: set the total number of shards every instance runs, e.g. DISCORD_SHARD_COUNT=4 DISCORD_SHARD_IDS=0,1');
  }
  const parts = rawIds.split(',').map((p) => p.trim()).filter(Boolean);
  const ids = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p)) || ids.some((id) => id >= shardCount)) {
    throw invalid(`DISCORD_SHARD_IDS is invalid: expected comma-separated shard numbers from 0 to ${shardCount - 1} (DISCORD_SHARD_COUNT=${shardCount}) (got ${JSON.stringify(rawIds)})`);
  }
  return { shardCount, shardIds: ids };
}

/**
 * The Discord adapter's config, or undefined when DISCORD_BOT_TOKEN is not set.
 * Throws BotError CONFIG_INVALID naming the variable when a value is wrong.
 */
export function discordConfigFromEnv(env: Env): DiscordAdapterConfig | undefined {
  const raw = read(env, 'DISCORD_BOT_TOKEN');
  if (raw === undefined) return undefined;
  // People paste the header form from examples; discord.js adds "Bot " itself.
  const token = raw.replace(/^Bot\s+/i, '');
  if (!TOKEN.test(token)) {
    throw invalid('DISCORD_BOT_TOKEN is invalid: expected the bot token from the Developer Portal (Bot → Reset Token), three dot-separated parts, not the client secret');
  }
  return {
    token,
    apiUrl: apiUrl(env),
    channelIds: snowflakeList(env, 'DISCORD_CHANNEL_IDS'),
    moderatorChannelId: matching(env, 'DISCORD_MODERATOR_CHANNEL_ID', SNOWFLAKE, 'a Discord id (15-21 digits; right-click the channel with Developer Mode on, Copy ID)'),
    commandGuildIds: snowflakeList(env, 'DISCORD_COMMAND_GUILD_IDS'),
    typingIntervalMs: 8_000,
    waitGuildTimeoutMs: 15_000,
    restTimeoutMs: 15_000,
    restRetries: 3,
    ...shards(env),
  };
}
