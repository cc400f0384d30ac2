/**
 * What an adapter keeps in the store through its BotHandlers, so that several instances on one
 * database (and one instance across restarts) agree: whether a person can be messaged privately,
 * a gateway's sessions and IDENTIFY slots, and leases for work only one instance may do. Part of
 * the seams in src/ports.ts, which re-exports it.
 */

/** What is known about messaging one person privately on one platform. */
export type DirectReach =
  /** They wrote to the bot privately; `channelId` is the private channel where the platform has one. */
  | { state: 'open'; channelId: string | undefined }
  /** The platform refused a private message; ask again after `until` (undefined: not before they write). */
  | { state: 'closed'; until: Date | undefined };

/** A gateway session as the platform's RESUME needs it (Discord: session_id, resume URL, last seq). */
export interface GatewaySession {
  sessionId: string;
  resumeUrl: string;
  /** The last event sequence the holder received. */
  sequence: number;
  /** The shard count the session was identified with: a session of another count is not resumable. */
  shardCount: number;
}

/**
 * How far a shard's channel was taken: every message up to `lastMessageId` reached the engine's
 * intake. A shard whose session the platform dropped reads the channel's history after it.
 */
export interface ChannelMark {
  channelId: string;
  lastMessageId: string;
  /** When the shard last saw a message there (unix ms). */
  seenAt: number;
}

/** One platform's view of the gateway rows (shard ids and bucket names of that platform). */
export interface GatewayBook {
  session(shardId: number): Promise<GatewaySession | undefined>;
  saveSession(shardId: number, session: GatewaySession): Promise<void>;
  /** The shard's channel marks seen at or after `sinceMs`. */
  channelMarks(shardId: number, sinceMs: number): Promise<ChannelMark[]>;
  /** Moves the shard's channel marks forward (a mark never goes back). */
  saveChannelMarks(shardId: number, marks: ChannelMark[]): Promise<void>;
  /** 0 when this caller may IDENTIFY in `bucket` now (the slot is held for `intervalMs`), else ms to wait. */
  takeIdentifySlot(bucket: number, intervalMs: number): Promise<number>;
}

/** One platform's view of the direct_reach store (user ids of that platform). */
export interface DirectReachBook {
  get(userId: string): Promise<DirectReach | undefined>;
  set(userId: string, reach: DirectReach | undefined): Promise<void>;
}

/** One instance's hold on a named lease; acquire() also renews it for the holder. */
export interface Leadership {
  /** Takes or renews the lease; false while another instance holds it. */
  acquire(): Promise<boolean>;
  /** Gives it up (no effect when another instance holds it). */
  release(): Promise<void>;
}
