/**
 * Rate buckets and private reachability on SQLite (migrations/0007). One process owns the file,
 * so a transaction is all the atomicity a bucket needs; keeping the state here rather than in
 * memory means a restart neither refills every bucket nor forgets who can be messaged privately.
 */
import type Database from 'better-sqlite3';
import { reachFromRow, reachToRow, type ReachRow } from '../reach-rows.js';
import { markFromRow, sessionFromRow, type ChannelMarkRow, type SessionRow } from '../gateway-rows.js';
import type { ChannelMark, DirectReach, GatewaySession } from '../../ports.js';
import { nextBucket, type RateSettings, type RateVerdict, type SharedStateStore } from '../shared-state.js';

export class SqliteSharedState implements SharedStateStore {
  private readonly stmts;
  private readonly take;
  private readonly saveMarks;

  constructor(db: Database.Database) {
    this.stmts = {
      bucket: db.prepare('SELECT tokens, updated_at, notified FROM rate_buckets WHERE user_key = ?'),
      saveBucket: db.prepare(`INSERT INTO rate_buckets (user_key, tokens, updated_at, notified) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_key) DO UPDATE SET tokens = excluded.tokens, updated_at = MAX(updated_at, excluded.updated_at),
          notified = excluded.notified`),
      purgeBuckets: db.prepare('DELETE FROM rate_buckets WHERE updated_at < ?'),
      reach: db.prepare('SELECT state, channel_id, until FROM direct_reach WHERE user_key = ?'),
      saveReach: db.prepare(`INSERT INTO direct_reach (user_key, state, channel_id, until, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (user_key) DO UPDATE SET state = excluded.state, channel_id = excluded.channel_id,
          until = excluded.until, updated_at = excluded.updated_at`),
      deleteReach: db.prepare('DELETE FROM direct_reach WHERE user_key = ?'),
      session: db.prepare('SELECT session_id, resume_url, sequence, shard_count FROM gateway_sessions WHERE shard_key = ?'),
      // The same session keeps its highest sequence; another session replaces the row.
      saveSession: db.prepare(`INSERT INTO gateway_sessions (shard_key, session_id, resume_url, sequence, shard_count, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (shard_key) DO UPDATE SET
          sequence = CASE WHEN session_id = excluded.session_id THEN MAX(sequence, excluded.sequence) ELSE excluded.sequence END,
          session_id = excluded.session_id, resume_url = excluded.resume_url, shard_count = excluded.shard_count,
          updated_at = excluded.updated_at`),
      takeSlot: db.prepare(`INSERT INTO identify_slots (bucket, next_at) VALUES (?, ?)
        ON CONFLICT (bucket) DO UPDATE SET next_at = excluded.next_at WHERE identify_slots.next_at <= ?`),
      slot: db.prepare('SELECT next_at FROM identify_slots WHERE bucket = ?'),
      marks: db.prepare('SELECT channel_id, last_message_id, seen_at FROM gateway_channel_marks WHERE shard_key = ? AND seen_at >= ? ORDER BY channel_id'),
      dropMarks: db.prepare('DELETE FROM gateway_channel_marks WHERE shard_key = ? AND seen_at < ?'),
      saveMark: db.prepare(`INSERT INTO gateway_channel_marks (shard_key, channel_id, last_message_id, seen_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (shard_key, channel_id) DO UPDATE SET
          -- Snowflakes as decimal text: the higher id is the longer one, or the greater of one length.
          last_message_id = CASE WHEN length(excluded.last_message_id) > length(last_message_id)
              OR (length(excluded.last_message_id) = length(last_message_id) AND excluded.last_message_id > last_message_id)
            THEN excluded.last_message_id ELSE last_message_id END,
          seen_at = MAX(seen_at, excluded.seen_at)`),
    };
    this.saveMarks = db.transaction((shardKey: string, marks: ChannelMark[]) => {
      for (const m of marks) this.stmts.saveMark.run(shardKey, m.channelId, m.lastMessageId, m.seenAt);
    });
    this.take = db.transaction((userKey: string, nowMs: number, settings: RateSettings): RateVerdict => {
      const row = this.stmts.bucket.get(userKey) as { tokens: number; updated_at: number; notified: number } | undefined;
      const next = nextBucket(row && { tokens: row.tokens, updatedMs: row.updated_at, notified: row.notified === 1 }, nowMs, settings);
      this.stmts.saveBucket.run(userKey, next.tokens, nowMs, next.notified ? 1 : 0);
      return next.verdict;
    });
  }

  async takeRateToken(userKey: string, now: Date, settings: RateSettings): Promise<RateVerdict> {
    return this.take(userKey, now.getTime(), settings);
  }

  async purgeRateBuckets(before: Date): Promise<number> {
    return this.stmts.purgeBuckets.run(before.getTime()).changes;
  }

  async directReach(userKey: string, now: Date): Promise<DirectReach | undefined> {
    const row = this.stmts.reach.get(userKey) as ReachRow | undefined;
    return row ? reachFromRow(row, now) : undefined;
  }

  async setDirectReach(userKey: string, reach: DirectReach | undefined, now: Date): Promise<void> {
    if (!reach) {
      this.stmts.deleteReach.run(userKey);
      return;
    }
    const r = reachToRow(reach);
    this.stmts.saveReach.run(userKey, r.state, r.channel_id, r.until, now.getTime());
  }

  async gatewaySession(shardKey: string): Promise<GatewaySession | undefined> {
    const row = this.stmts.session.get(shardKey) as SessionRow | undefined;
    return row ? sessionFromRow(row) : undefined;
  }

  async saveGatewaySession(shardKey: string, session: GatewaySession, now: Date): Promise<void> {
    this.stmts.saveSession.run(shardKey, session.sessionId, session.resumeUrl, session.sequence, session.shardCount, now.getTime());
  }

  async gatewayChannelMarks(shardKey: string, since: Date): Promise<ChannelMark[]> {
    this.stmts.dropMarks.run(shardKey, since.getTime());
    return (this.stmts.marks.all(shardKey, since.getTime()) as ChannelMarkRow[]).map(markFromRow);
  }

  async saveGatewayChannelMarks(shardKey: string, marks: ChannelMark[]): Promise<void> {
    if (marks.length > 0) this.saveMarks(shardKey, marks);
  }

  async takeIdentifySlot(bucket: string, now: Date, intervalMs: number): Promise<number> {
    const nowMs = now.getTime();
    if (this.stmts.takeSlot.run(bucket, nowMs + intervalMs, nowMs).changes > 0) return 0;
    const row = this.stmts.slot.get(bucket) as { next_at: number } | undefined;
    return Math.max(1, (row?.next_at ?? nowMs) - nowMs);
  }
}
