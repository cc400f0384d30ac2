/**
 * Rate buckets and private reachability on PostgreSQL (migrations/pg/0003), shared by every
 * instance. A bucket is taken under a row lock (SELECT … FOR UPDATE), so two instances taking
 * from one person's bucket at the same moment queue on the row and never both spend the last token.
 */
import type { ChannelMark, DirectReach, GatewaySession } from '../../ports.js';
import { nextBucket, type RateSettings, type RateVerdict, type SharedStateStore } from '../shared-state.js';
import type { PgDb } from './pg-db.js';
import { reachFromRow, reachToRow, type ReachRow } from '../reach-rows.js';
import { markFromRow, sessionFromRow, type ChannelMarkRow, type SessionRow } from '../gateway-rows.js';

export class PgSharedState implements SharedStateStore {
  constructor(private readonly db: PgDb) {}

  async takeRateToken(userKey: string, now: Date, settings: RateSettings): Promise<RateVerdict> {
    const nowMs = now.getTime();
    return this.db.tx(async (sql) => {
      // A new person starts with a full bucket; the insert is a no-op when the row exists, and
      // when two instances insert at once one waits for the other and then finds the row.
      await sql.run(
        'INSERT INTO rate_buckets (user_key, tokens, updated_at, notified) VALUES ($1, $2, $3, 0) ON CONFLICT (user_key) DO NOTHING',
        [userKey, settings.burst, nowMs],
      );
      const row = await sql.one<{ tokens: number; updated_at: number; notified: number }>(
        'SELECT tokens, updated_at, notified FROM rate_buckets WHERE user_key = $1 FOR UPDATE', [userKey],
      );
      const next = nextBucket(row && { tokens: row.tokens, updatedMs: row.updated_at, notified: row.notified === 1 }, nowMs, settings);
      await sql.run(
        'UPDATE rate_buckets SET tokens = $2, updated_at = GREATEST(updated_at, $3), notified = $4 WHERE user_key = $1',
        [userKey, next.tokens, nowMs, next.notified ? 1 : 0],
      );
      return next.verdict;
    });
  }

  async purgeRateBuckets(before: Date): Promise<number> {
    return this.db.sql.run('DELETE FROM rate_buckets WHERE updated_at < $1', [before.getTime()]);
  }

  async directReach(userKey: string, now: Date): Promise<DirectReach | undefined> {
    const row = await this.db.sql.one<ReachRow>('SELECT state, channel_id, until FROM direct_reach WHERE user_key = $1', [userKey]);
    return row ? reachFromRow(row, now) : undefined;
  }

  async setDirectReach(userKey: string, reach: DirectReach | undefined, now: Date): Promise<void> {
    if (!reach) {
      await this.db.sql.run('DELETE FROM direct_reach WHERE user_key = $1', [userKey]);
      return;
    }
    const r = reachToRow(reach);
    await this.db.sql.run(
      `INSERT INTO direct_reach (user_key, state, channel_id, until, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_key) DO UPDATE SET state = EXCLUDED.state, channel_id = EXCLUDED.channel_id,
         until = EXCLUDED.until, updated_at = EXCLUDED.updated_at`,
      [userKey, r.state, r.channel_id, r.until, now.getTime()],
    );
  }

  async gatewaySession(shardKey: string): Promise<GatewaySession | undefined> {
    const row = await this.db.sql.one<SessionRow>(
      'SELECT session_id, resume_url, sequence, shard_count FROM gateway_sessions WHERE shard_key = $1', [shardKey],
    );
    return row ? sessionFromRow(row) : undefined;
  }

  async saveGatewaySession(shardKey: string, s: GatewaySession, now: Date): Promise<void> {
    // One upsert: the same session keeps its highest sequence, another session replaces the row.
    await this.db.sql.run(
      `INSERT INTO gateway_sessions (shard_key, session_id, resume_url, sequence, shard_count, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (shard_key) DO UPDATE SET
         sequence = CASE WHEN gateway_sessions.session_id = EXCLUDED.session_id
           THEN GREATEST(gateway_sessions.sequence, EXCLUDED.sequence) ELSE EXCLUDED.sequence END,
         session_id = EXCLUDED.session_id, resume_url = EXCLUDED.resume_url, shard_count = EXCLUDED.shard_count,
         updated_at = EXCLUDED.updated_at`,
      [shardKey, s.sessionId, s.resumeUrl, s.sequence, s.shardCount, now.getTime()],
    );
  }

  async gatewayChannelMarks(shardKey: string, since: Date): Promise<ChannelMark[]> {
    await this.db.sql.run('DELETE FROM gateway_channel_marks WHERE shard_key = $1 AND seen_at < $2', [shardKey, since.getTime()]);
    const rows = await this.db.sql.rows<ChannelMarkRow>(
      'SELECT channel_id, last_message_id, seen_at FROM gateway_channel_marks WHERE shard_key = $1 AND seen_at >= $2 ORDER BY channel_id',
      [shardKey, since.getTime()],
    );
    return rows.map(markFromRow);
  }

  async saveGatewayChannelMarks(shardKey: string, marks: ChannelMark[]): Promise<void> {
    if (marks.length === 0) return;
    // One statement for the batch; snowflakes compare as numbers, so a mark never goes back.
    await this.db.sql.run(
      `INSERT INTO gateway_channel_marks (shard_key, channel_id, last_message_id, seen_at)
       SELECT $1, m.channel_id, m.last_message_id, m.seen_at
       FROM unnest($2::text[], $3::text[], $4::bigint[]) AS m(channel_id, last_message_id, seen_at)
       ON CONFLICT (shard_key, channel_id) DO UPDATE SET
         last_message_id = CASE WHEN EXCLUDED.last_message_id::numeric > gateway_channel_marks.last_message_id::numeric
           THEN EXCLUDED.last_message_id ELSE gateway_channel_marks.last_message_id END,
         seen_at = GREATEST(gateway_channel_marks.seen_at, EXCLUDED.seen_at)`,
      [shardKey, marks.map((m) => m.channelId), marks.map((m) => m.lastMessageId), marks.map((m) => m.seenAt)],
    );
  }

  async takeIdentifySlot(bucket: string, now: Date, intervalMs: number): Promise<number> {
    const nowMs = now.getTime();
    // Taken only when free: the WHERE turns the upsert into a no-op while another holds the slot,
    // and the row lock makes two instances asking at once queue, so exactly one of them gets it.
    const taken = await this.db.sql.one<{ next_at: number }>(
      `INSERT INTO identify_slots (bucket, next_at) VALUES ($1, $2)
       ON CONFLICT (bucket) DO UPDATE SET next_at = EXCLUDED.next_at WHERE identify_slots.next_at <= $3
       RETURNING next_at`,
      [bucket, nowMs + intervalMs, nowMs],
    );
    if (taken) return 0;
    const row = await this.db.sql.one<{ next_at: number }>('SELECT next_at FROM identify_slots WHERE bucket = $1', [bucket]);
    return Math.max(1, (row?.next_at ?? nowMs) - nowMs);
  }
}
