/**
 * The dashboard's read model built from rows: the same shapes from either dialect's tables.
 * sqlite-dashboard-reads.ts and pg-dashboard-reads.ts only fetch the rows (inside one read
 * transaction each, so a page never mixes two states); everything they show is decided here,
 * once, so the two stores cannot drift apart.
 */
import type { RiskLevel } from '../messages.js';
import type { AlertPriority, AlertView } from '../ports.js';
import { byUrgency, type CaseDetail, type QueueItem, type ResourceState, type SinkState, type TimelineEntry } from './dashboard-store.js';
import type { AlertRow, CaseRow, EventRow } from './sqlite/case-rows.js';
import { toCaseRecord, toEvent } from './sqlite/case-rows.js';

export interface OutboxStateRow {
  id: number;
  alert_id: number;
  case_id: number;
  sink: string;
  attempts: number;
  delivered_at: string | null;
  digest_at: string | null;
  last_error: string | null;
  payload_json: string;
}

/** The alerts row (the same shape the case store reads). */
export type AlertStateRow = AlertRow;

export interface DeliveryStateRow {
  case_id: number;
  place: string;
  resource_ids_json: string;
  created_at: string;
  delivered_at: string | null;
  superseded_at: string | null;
  last_error: string | null;
}

/** The rows behind a list of cases, each list ordered by id. */
export interface CaseRows {
  cases: CaseRow[];
  outbox: OutboxStateRow[];
  /** case_id and priority of every alert of those cases, by id. */
  alerts: Array<Pick<AlertStateRow, 'case_id' | 'priority'>>;
  /** undefined where the store has no resource-delivery queue yet (an old SQLite file). */
  deliveries: DeliveryStateRow[] | undefined;
}

/** The extra rows of one case's page, each in insertion order. */
export interface TimelineRows {
  signals: Array<{ level: RiskLevel; at: string }>;
  alerts: AlertStateRow[];
  events: EventRow[];
}

/** The built-in log sink is the operator's record, not a place moderators read alerts. */
const HIDDEN_SINKS = new Set(['log']);

/** SQL text ordering cases most urgent first (byUrgency re-sorts the page exactly). */
export const URGENCY_ORDER_SQL = (rank: string) =>
  `CASE status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END, ${rank} DESC, last_seen_at DESC, id DESC`;

export function queueItems(rows: CaseRows, failingAfterAttempts: number): QueueItem[] {
  const priorities = new Map<number, AlertPriority>();
  for (const a of rows.alerts) priorities.set(a.case_id, a.priority);
  const latestDelivery = new Map<number, DeliveryStateRow>();
  for (const d of rows.deliveries ?? []) if (d.superseded_at === null) latestDelivery.set(d.case_id, d);
  return rows.cases.map((row) => {
    const c = toCaseRecord(row);
    // The newest alert's state on each sink (an older alert's state is history, on the case page).
    const latest = new Map<string, OutboxStateRow>();
    for (const o of rows.outbox) if (o.case_id === c.id && !HIDDEN_SINKS.has(o.sink)) latest.set(o.sink, o);
    return {
      id: c.id, status: c.status, level: c.level, priority: priorities.get(c.id) ?? 'normal',
      platform: c.conversation.platform,
      community: c.isDirect ? 'private chat' : c.conversation.communityId ?? c.conversation.channelId,
      isDirect: c.isDirect, paused: c.paused, openedAt: c.openedAt, lastSignalAt: c.lastSeenAt,
      claimedBy: c.acknowledgedBy, claimedAt: c.acknowledgedAt, resolvedBy: c.resolvedBy, outcome: c.outcome,
      resources: resourceState(latestDelivery.get(c.id), c.resourcesSent.length > 0, c.reachedPrivately),
      resourcesSent: c.resourcesSent,
      sinks: [...latest.values()].map((o) => sinkState(o, failingAfterAttempts)),
    };
  }).sort(byUrgency);
}

/** One case's page; `rows` holds that case alone. */
export function caseDetail(rows: CaseRows, timeline: TimelineRows, failingAfterAttempts: number): CaseDetail | undefined {
  const row = rows.cases[0];
  if (!row) return undefined;
  const item = queueItems(rows, failingAfterAttempts)[0]!;
  const c = toCaseRecord(row);
  const entries: TimelineEntry[] = [];
  for (const s of timeline.signals) entries.push({ at: new Date(s.at), kind: 'signal', level: s.level });
  for (const a of timeline.alerts) {
    const outbox = rows.outbox.filter((o) => o.alert_id === a.id);
    const payload = outbox[0] ? (JSON.parse(outbox[0].payload_json) as Partial<AlertView>) : {};
    entries.push({
      at: new Date(a.created_at), kind: 'alert', alertKind: a.kind, level: a.level, priority: a.priority,
      excerpt: payload.excerpt ?? '', reasons: payload.reasons ?? [],
      sinks: outbox.filter((o) => !HIDDEN_SINKS.has(o.sink)).map((o) => sinkState(o, failingAfterAttempts)),
    });
  }
  entries.push(...resourceEntries(row, rows.deliveries));
  for (const e of timeline.events.map(toEvent)) {
    entries.push({ at: e.at, kind: 'audit', action: e.action, actor: e.actor, note: e.note, detail: e.detail });
  }
  // Stable by time; entries without a time (erased by /forget) keep their place at the end.
  entries.sort((x, y) => (x.at?.getTime() ?? Infinity) - (y.at?.getTime() ?? Infinity));
  return {
    ...item,
    user: c.user, reasons: c.reasons, excerpt: c.excerpt, country: c.country,
    channel: c.isDirect ? 'private chat' : [c.conversation.channelId, c.conversation.threadId].filter(Boolean).join(' / '),
    policyVersion: c.policyVersion, timeline: entries,
  };
}

function sinkState(o: OutboxStateRow, failingAfterAttempts: number): SinkState {
  const state: SinkState['state'] = o.delivered_at !== null ? 'delivered'
    : o.attempts >= failingAfterAttempts ? 'failing'
      : o.digest_at !== null && o.attempts === 0 ? 'held' : 'pending';
  return { sink: o.sink, state, attempts: o.attempts, lastError: o.last_error ?? undefined };
}

function resourceEntries(row: CaseRow, deliveries: DeliveryStateRow[] | undefined): TimelineEntry[] {
  if (deliveries && deliveries.length > 0) {
    return deliveries.map((d) => ({
      at: new Date(d.delivered_at ?? d.created_at), kind: 'resources' as const,
      state: d.superseded_at !== null ? 'none' as const : resourceState(d, true, true),
      resourceIds: JSON.parse(d.resource_ids_json) as string[],
      detail: d.superseded_at !== null ? 'replaced by a newer message before it went out' : d.last_error ?? undefined,
    }));
  }
  if (row.resources_at === null) return [];
  const c = toCaseRecord(row);
  return [{
    at: new Date(row.resources_at), kind: 'resources', state: resourceState(undefined, c.resourcesSent.length > 0, c.reachedPrivately),
    resourceIds: c.resourcesSent, detail: undefined,
  }];
}

function resourceState(delivery: DeliveryStateRow | undefined, sent: boolean, reachedPrivately: boolean): ResourceState {
  if (delivery) {
    if (delivery.delivered_at === null) return 'pending';
    return delivery.place === 'private' ? 'sent' : 'refused';
  }
  if (!sent) return 'none';
  return reachedPrivately ? 'sent' : 'refused';
}
