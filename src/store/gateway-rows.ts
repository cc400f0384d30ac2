/**
 * The gateway_sessions row as both dialects store it (migrations/0008, migrations/pg/0004), and
 * its reading: one mapping, so the two stores cannot drift apart.
 */
import type { ChannelMark, GatewaySession } from '../ports.js';

export interface SessionRow {
  session_id: string;
  resume_url: string;
  sequence: number;
  shard_count: number;
}

export function sessionFromRow(row: SessionRow): GatewaySession {
  return { sessionId: row.session_id, resumeUrl: row.resume_url, sequence: Number(row.sequence), shardCount: Number(row.shard_count) };
}

export interface ChannelMarkRow {
  channel_id: string;
  last_message_id: string;
  seen_at: number | string;
}

export function markFromRow(row: ChannelMarkRow): ChannelMark {
  return { channelId: row.channel_id, lastMessageId: row.last_message_id, seenAt: Number(row.seen_at) };
}

