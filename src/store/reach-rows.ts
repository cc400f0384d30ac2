/**
 * The direct_reach row as both dialects store it (migrations/0007, migrations/pg/0003), and its
 * reading: one mapping, so the two stores cannot drift apart.
 */
import type { DirectReach } from '../ports.js';

export interface ReachRow {
  state: 'open' | 'closed';
  channel_id: string | null;
  until: number | null;
}

/** A 'closed' entry past its time reads as unknown: the next private message may try again. */
export function reachFromRow(row: ReachRow, now: Date): DirectReach | undefined {
  if (row.state === 'open') return { state: 'open', channelId: row.channel_id ?? undefined };
  if (row.until !== null && row.until <= now.getTime()) return undefined;
  return { state: 'closed', until: row.until === null ? undefined : new Date(row.until) };
}

export function reachToRow(reach: DirectReach): ReachRow {
  return reach.state === 'open'
    ? { state: 'open', channel_id: reach.channelId ?? null, until: null }
    : { state: 'closed', channel_id: null, until: reach.until?.getTime() ?? null };
}
