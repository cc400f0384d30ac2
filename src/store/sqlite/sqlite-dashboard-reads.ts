/**
 * The dashboard's read model on better-sqlite3: the queue and a case's timeline, read straight
 * from the case tables (migrations 0002-0003) in one transaction each, so a page never mixes
 * two states. Read-only: every change goes through the core's case action.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { RISK_LEVELS, riskRank, type RiskLevel } from '../../messages.js';
import type { AlertPriority, AlertView } from '../../ports.js';
import {
  byUrgency, type CaseDetail, type DashboardReads, type QueueFilter, type QueueItem, type ResourceState,
  type SinkState, type TimelineEntry,
} from '../dashboard-store.js';
import type { CaseRow, EventRow } from './case-rows.js';
import { toCaseRecord, toEvent } from './case-rows.js';

interface OutboxStateRow {
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

interface AlertRow {
  id: number;
  case_id: number;
  kind: AlertView['kind'];
  level: RiskLevel;
  priority: AlertPriority;
  created_at: string;
}

interface DeliveryRow {
  case_id: number;
  place: string;
  resource_ids_json: string;
  created_at: string;
  delivered_at: string | null;
  superseded_at: string | null;
  last_error: string | null;
}

/** The built-in log sink is the operator's record, not a place moderators read alerts. */
const HIDDEN_SINKS = new Set(['log']);

export class SqliteDashboardReads implements DashboardReads {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: BetterSqlite3.Database, private readonly failingAfterAttempts: number) {}

  async queue(filter: QueueFilter, limit: number): Promise<QueueItem[]> {
    return this.db.transaction(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.status === 'active') where.push("status <> 'resolved'");
      else if (filter.status !== 'all') {
        where.push('status = ?');
        params.push(filter.status);
      }
      if (filter.platform) {
        where.push('platform = ?');
        params.push(filter.platform);
      }
      if (filter.level) {
        // "At least this level": a moderator asking for high wants imminent too.
        const levels = RISK_LEVELS.filter((l) => riskRank(l) >= riskRank(filter.level!));
        where.push(`level IN (${levels.map(() => '?').join(', ')})`);
        params.push(...levels);
      }
      const rank = `CASE level ${RISK_LEVELS.map((l, i) => `WHEN '${l}' THEN ${i}`).join(' ')} END`;
      const rows = this.db.prepare(
        `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END, ${rank} DESC, last_seen_at DESC, id DESC
         LIMIT ?`,
      ).all(...params, limit) as CaseRow[];
      return this.items(rows).sort(byUrgency);
    })();
  }

  async platforms(): Promise<string[]> {
    return (this.sql('SELECT DISTINCT platform FROM cases ORDER BY platform').all() as Array<{ platform: string }>).map((r) => r.platform);
  }

  async caseDetail(caseId: number): Promise<CaseDetail | undefined> {
    return this.db.transaction((): CaseDetail | undefined => {
      const row = this.sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
      if (!row) return undefined;
      const item = this.items([row])[0]!;
      const c = toCaseRecord(row);
      const outbox = this.outboxRows([caseId]);
      const timeline: TimelineEntry[] = [];
      for (const s of this.sql('SELECT level, at FROM case_signals WHERE case_id = ? ORDER BY at, rowid').all(caseId) as Array<{ level: RiskLevel; at: string }>) {
        timeline.push({ at: new Date(s.at), kind: 'signal', level: s.level });
      }
      for (const a of this.sql('SELECT * FROM alerts WHERE case_id = ? ORDER BY id').all(caseId) as AlertRow[]) {
        const rows = outbox.filter((o) => o.alert_id === a.id);
        const payload = rows[0] ? (JSON.parse(rows[0].payload_json) as Partial<AlertView>) : {};
        timeline.push({
          at: new Date(a.created_at), kind: 'alert', alertKind: a.kind, level: a.level, priority: a.priority,
          excerpt: payload.excerpt ?? '', reasons: payload.reasons ?? [],
          sinks: rows.filter((o) => !HIDDEN_SINKS.has(o.sink)).map((o) => this.sinkState(o)),
        });
      }
      timeline.push(...this.resourceEntries(c.id, row));
      for (const e of (this.sql('SELECT * FROM case_events WHERE case_id = ? ORDER BY id').all(caseId) as EventRow[]).map(toEvent)) {
        timeline.push({ at: e.at, kind: 'audit', action: e.action, actor: e.actor, note: e.note, detail: e.detail });
      }
      // Stable by time; entries without a time (erased by /forget) keep their place at the end.
      timeline.sort((x, y) => (x.at?.getTime() ?? Infinity) - (y.at?.getTime() ?? Infinity));
      return {
        ...item,
        user: c.user, reasons: c.reasons, excerpt: c.excerpt, country: c.country,
        channel: c.isDirect ? 'private chat' : [c.conversation.channelId, c.conversation.threadId].filter(Boolean).join(' / '),
        policyVersion: c.policyVersion, timeline,
      };
    })();
  }

  async changeMark(): Promise<string> {
    const deliveries = this.hasDeliveries()
      ? " || ':' || (SELECT COUNT(*) || '.' || COALESCE(SUM(delivered_at IS NOT NULL), 0) || '.' || COALESCE(SUM(attempts), 0) FROM resource_deliveries)"
      : '';
    const row = this.sql(
      `SELECT (SELECT COUNT(*) || '.' || COALESCE(MAX(last_seen_at), '') FROM cases)
        || ':' || (SELECT COALESCE(MAX(id), 0) FROM case_events)
        || ':' || (SELECT COALESCE(MAX(rowid), 0) FROM case_signals)
        || ':' || (SELECT COUNT(*) || '.' || COALESCE(SUM(delivered_at IS NOT NULL), 0) || '.' || COALESCE(SUM(attempts), 0) FROM alert_outbox)
        ${deliveries} AS mark`,
    ).get() as { mark: string };
    return row.mark;
  }

  // ── helpers, inside the caller's transaction ──

  private items(rows: CaseRow[]): QueueItem[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const outbox = this.outboxRows(ids);
    const priorities = new Map<number, AlertPriority>();
    for (const a of this.sql('SELECT case_id, priority FROM alerts WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify(ids)) as AlertRow[]) {
      priorities.set(a.case_id, a.priority);
    }
    const deliveries = this.latestDeliveries(ids);
    return rows.map((row) => {
      const c = toCaseRecord(row);
      // The newest alert's state on each sink (an older alert's state is history, on the case page).
      const latest = new Map<string, OutboxStateRow>();
      for (const o of outbox) if (o.case_id === c.id && !HIDDEN_SINKS.has(o.sink)) latest.set(o.sink, o);
      return {
        id: c.id, status: c.status, level: c.level, priority: priorities.get(c.id) ?? 'normal',
        platform: c.conversation.platform,
        community: c.isDirect ? 'private chat' : c.conversation.communityId ?? c.conversation.channelId,
        isDirect: c.isDirect, paused: c.paused, openedAt: c.openedAt, lastSignalAt: c.lastSeenAt,
        claimedBy: c.acknowledgedBy, claimedAt: c.acknowledgedAt, resolvedBy: c.resolvedBy, outcome: c.outcome,
        resources: resourceState(deliveries.get(c.id), c.resourcesSent.length > 0, c.reachedPrivately),
        resourcesSent: c.resourcesSent,
        sinks: [...latest.values()].map((o) => this.sinkState(o)),
      };
    });
  }

  private outboxRows(caseIds: number[]): OutboxStateRow[] {
    return this.sql(
      `SELECT id, alert_id, case_id, sink, attempts, delivered_at, digest_at, last_error, payload_json
       FROM alert_outbox WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(caseIds)) as OutboxStateRow[];
  }

  private sinkState(o: OutboxStateRow): SinkState {
    const state: SinkState['state'] = o.delivered_at !== null ? 'delivered'
      : o.attempts >= this.failingAfterAttempts ? 'failing'
        : o.digest_at !== null && o.attempts === 0 ? 'held' : 'pending';
    return { sink: o.sink, state, attempts: o.attempts, lastError: o.last_error ?? undefined };
  }

  /** The resource-delivery queue arrives with a later migration; until then the case row says what was sent. */
  private hasDeliveries(): boolean {
    return this.sql("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'resource_deliveries'").get() !== undefined;
  }

  private latestDeliveries(caseIds: number[]): Map<number, DeliveryRow> {
    const out = new Map<number, DeliveryRow>();
    if (!this.hasDeliveries()) return out;
    for (const d of this.deliveryRows(caseIds)) if (d.superseded_at === null) out.set(d.case_id, d);
    return out;
  }

  private deliveryRows(caseIds: number[]): DeliveryRow[] {
    return this.sql(
      `SELECT case_id, place, resource_ids_json, created_at, delivered_at, superseded_at, last_error
       FROM resource_deliveries WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(caseIds)) as DeliveryRow[];
  }

  private resourceEntries(caseId: number, row: CaseRow): TimelineEntry[] {
    if (this.hasDeliveries()) {
      const rows = this.deliveryRows([caseId]);
      if (rows.length > 0) {
        return rows.map((d) => ({
          at: new Date(d.delivered_at ?? d.created_at), kind: 'resources' as const,
          state: d.superseded_at !== null ? 'none' as const : resourceState(d, true, true),
          resourceIds: JSON.parse(d.resource_ids_json) as string[],
          detail: d.superseded_at !== null ? 'replaced by a newer message before it went out' : d.last_error ?? undefined,
        }));
      }
    }
    if (row.resources_at === null) return [];
    const c = toCaseRecord(row);
    return [{
      at: new Date(row.resources_at), kind: 'resources', state: resourceState(undefined, c.resourcesSent.length > 0, c.reachedPrivately),
      resourceIds: c.resourcesSent, detail: undefined,
    }];
  }

  private sql(text: string): BetterSqlite3.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }
}

function resourceState(delivery: DeliveryRow | undefined, sent: boolean, reachedPrivately: boolean): ResourceState {
  if (delivery) {
    if (delivery.delivered_at === null) return 'pending';
    return delivery.place === 'private' ? 'sent' : 'refused';
  }
  if (!sent) return 'none';
  return reachedPrivately ? 'sent' : 'refused';
}
