/**
 * The dashboard's read model on better-sqlite3: fetches the rows of the queue and of a case's
 * timeline from the case tables (migrations 0002-0004) in one transaction each, so a page never
 * mixes two states; dashboard-model.ts builds what the pages show. Read-only: every change goes
 * through the core's case action.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { RISK_LEVELS, riskRank } from '../../messages.js';
import type { CaseDetail, DashboardReads, QueueFilter, QueueItem } from '../dashboard-store.js';
import {
  URGENCY_ORDER_SQL, caseDetail, queueItems, type AlertStateRow, type CaseRows, type DeliveryStateRow, type OutboxStateRow,
  type TimelineRows,
} from '../dashboard-model.js';
import type { CaseRow, EventRow } from './case-rows.js';

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
        `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${URGENCY_ORDER_SQL(rank)} LIMIT ?`,
      ).all(...params, limit) as CaseRow[];
      return queueItems(this.rowsOf(rows), this.failingAfterAttempts);
    })();
  }

  async platforms(): Promise<string[]> {
    return (this.sql('SELECT DISTINCT platform FROM cases ORDER BY platform').all() as Array<{ platform: string }>).map((r) => r.platform);
  }

  async caseDetail(caseId: number): Promise<CaseDetail | undefined> {
    return this.db.transaction((): CaseDetail | undefined => {
      const row = this.sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
      if (!row) return undefined;
      const timeline: TimelineRows = {
        signals: this.sql('SELECT level, at FROM case_signals WHERE case_id = ? ORDER BY at, rowid').all(caseId) as TimelineRows['signals'],
        alerts: this.sql('SELECT * FROM alerts WHERE case_id = ? ORDER BY id').all(caseId) as AlertStateRow[],
        events: this.sql('SELECT * FROM case_events WHERE case_id = ? ORDER BY id').all(caseId) as EventRow[],
      };
      return caseDetail(this.rowsOf([row]), timeline, this.failingAfterAttempts);
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

  /** The rows behind `cases`, inside the caller's transaction. */
  private rowsOf(cases: CaseRow[]): CaseRows {
    if (cases.length === 0) return { cases, outbox: [], alerts: [], deliveries: [] };
    const ids = JSON.stringify(cases.map((r) => r.id));
    return {
      cases,
      outbox: this.sql(
        `SELECT id, alert_id, case_id, sink, attempts, delivered_at, digest_at, last_error, payload_json
         FROM alert_outbox WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      ).all(ids) as OutboxStateRow[],
      alerts: this.sql('SELECT case_id, priority FROM alerts WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id').all(ids) as CaseRows['alerts'],
      // The resource-delivery queue arrives with a later migration; until then the case row says what was sent.
      deliveries: this.hasDeliveries()
        ? this.sql(
          `SELECT case_id, place, resource_ids_json, created_at, delivered_at, superseded_at, last_error
           FROM resource_deliveries WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
        ).all(ids) as DeliveryStateRow[]
        : undefined,
    };
  }

  private hasDeliveries(): boolean {
    return this.sql("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'resource_deliveries'").get() !== undefined;
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
