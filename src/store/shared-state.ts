/**
 * State that every instance of the bot must see alike, kept in the store rather than in process
 * memory: each person's rate-limit bucket and whether the bot can message them privately
 * (issue 14 item 2). One process on SQLite gets the same behaviour across restarts; several
 * instances on PostgreSQL share it. sqlite-shared-state.ts and pg-shared-state.ts implement it.
 */
import type { ChannelMark, DirectReach, GatewaySession } from '../ports.js';

export interface RateSettings {
  /** Tokens added per minute. */
  perMinute: number;
  /** Bucket size: how many messages may come at once after a quiet spell. */
  burst: number;
}

export interface RateVerdict {
  allowed: boolean;
  /** True only for the first refusal of an episode, so the friendly notice is not itself a flood. */
  notify: boolean;
}


export interface SharedStateStore {
  /**
   * Takes one token from the person's bucket (created full), atomically across instances:
   * two messages of one person arriving at two instances at once never both take the last token.
   */
  takeRateToken(userKey: string, now: Date, settings: RateSettings): Promise<RateVerdict>;
  /** Drops buckets untouched since `before` (they would be full again by now). */
  purgeRateBuckets(before: Date): Promise<number>;
  /** Private reachability of `userKey`; a 'closed' entry past its `until` reads as unknown. */
  directReach(userKey: string, now: Date): Promise<DirectReach | undefined>;
  /** Records what the platform showed; undefined forgets it (a refused send of an 'open' person). */
  setDirectReach(userKey: string, reach: DirectReach | undefined, now: Date): Promise<void>;
  /** The last gateway session recorded for a shard ('discord:<id>'), if any. */
  gatewaySession(shardKey: string): Promise<GatewaySession | undefined>;
  /**
   * Records the shard's session. Within one session the sequence never goes back (two writes
   * landing out of order keep the higher); a different session id replaces the row.
   */
  saveGatewaySession(shardKey: string, session: GatewaySession, now: Date): Promise<void>;
  /** The shard's channel marks seen at or after `since`; older ones are dropped on the way. */
  gatewayChannelMarks(shardKey: string, since: Date): Promise<ChannelMark[]>;
  /** Upserts channel marks; each keeps the higher message id and the later sighting of the two. */
  saveGatewayChannelMarks(shardKey: string, marks: ChannelMark[]): Promise<void>;
  /**
   * Takes the IDENTIFY slot of a rate bucket if it is free at `now`, and holds it for
   * `intervalMs`: resolves 0 when taken, else how many ms until it frees. Atomic across instances.
   */
  takeIdentifySlot(bucket: string, now: Date, intervalMs: number): Promise<number>;
}

/**
 * The bucket arithmetic both dialects share (the SQL stores the result): refill for the time
 * since the last take, capped at the burst, then take one token if there is one.
 */
export function nextBucket(
  previous: { tokens: number; updatedMs: number; notified: boolean } | undefined,
  nowMs: number,
  settings: RateSettings,
): { tokens: number; notified: boolean; verdict: RateVerdict } {
  const refillPerMs = settings.perMinute / 60_000;
  const start = previous ?? { tokens: settings.burst, updatedMs: nowMs, notified: false };
  // A clock that stepped back (another instance's clock a little behind) refills nothing.
  const tokens = Math.min(settings.burst, start.tokens + Math.max(0, nowMs - start.updatedMs) * refillPerMs);
  if (tokens >= 1) return { tokens: tokens - 1, notified: false, verdict: { allowed: true, notify: false } };
  return { tokens, notified: true, verdict: { allowed: false, notify: !start.notified } };
}
