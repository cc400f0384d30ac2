/**
 * How the fake Discord routes gateway events when a bot runs several shards, as Discord does:
 * a guild belongs to shard `(guild_id >> 22) % shard_count`, each connection receives only its
 * shard's guild events, and direct messages (no guild) go to shard 0. The shard comes from the
 * connection's IDENTIFY (`shard: [id, count]`; absent means `[0, 1]`, every event).
 */

export type ShardPair = readonly [id: number, count: number];

/** The shard a guild's events go to, out of `count`. */
export function guildShard(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** The guild a dispatch belongs to, if any: GUILD_CREATE names it as `id`, the rest as `guild_id`. */
function guildOf(t: string, d: unknown): string | undefined {
  const payload = d as { id?: unknown; guild_id?: unknown } | null;
  const id = t === 'GUILD_CREATE' ? payload?.id : payload?.guild_id;
  return typeof id === 'string' ? id : undefined;
}

/** Whether a connection identified as `shard` receives this dispatch. */
export function routesTo(shard: ShardPair, t: string, d: unknown): boolean {
  const [id, count] = shard;
  const guild = guildOf(t, d);
  return (guild === undefined ? 0 : guildShard(guild, count)) === id;
}

/** IDENTIFY's `shard` field, checked as Discord does (4010 Invalid shard otherwise). */
export function identifiedShard(raw: unknown): ShardPair | undefined {
  if (raw === undefined) return [0, 1];
  if (!Array.isArray(raw) || raw.length !== 2) return undefined;
  const [id, count] = raw as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
  if ((count as number) < 1 || (id as number) < 0 || (id as number) >= (count as number)) return undefined;
  return [id as number, count as number];
}
