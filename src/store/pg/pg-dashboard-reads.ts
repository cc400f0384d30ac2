/**
 * The dashboard's read model on PostgreSQL: the same rows as on SQLite, fetched in one
 * REPEATABLE READ transaction per page (a snapshot, so a page never mixes two states while other
 * instances write); dashboard-model.ts builds what the pages show. Read-only: every change goes
 * through the core's case action.
 */
import { RISK_LEVELS, riskRank } from '../../messages.js';
import type { CaseDetail, DashboardReads, QueueFilter, QueueItem } from '../dashboard-store.js';
import {
  URGENCY_ORDER_SQL, caseDetail, queueItems, type AlertStateRow, type CaseRows, type DeliveryStateRow, type OutboxStateRow,
} from '../dashboard-model.js';
import type { CaseRow, EventRow } from '../sqlite/case-rows.js';
import type { PgDb, Sql } from './pg-db.js';

export class PgDashboardReads implements DashboardReads {
  constructor(private readonly db: PgDb, private readonly failingAfterAttempts: number) {}

  async queue(filter: QueueFilter, limit: number): Promise<QueueItem[]> {
    return this.db.tx(async (sql) => {
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (filter.status === 'active') where.push("status <> 'resolved'");
      else if (filter.status !== 'all') where.push(`status = ${param(filter.status)}`);
      if (filter.platform) where.push(`platform = ${param(filter.platform)}`);
      // "At least this level": a moderator asking for high wants imminent too.
      if (filter.level) where.push(`level = ANY(${param(RISK_LEVELS.filter((l) => riskRank(l) >= riskRank(filter.level!)))}::text[])`);
      const rank = `CASE level ${RISK_LEVELS.map((l, i) => `WHEN '${l}' THEN ${i}`).join(' ')} END`;
      const rows = await sql.rows<CaseRow>(
        `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${URGENCY_ORDER_SQL(rank)} LIMIT ${param(limit)}`,
        params,
      );
      return queueItems(await rowsOf(sql, rows), this.failingAfterAttempts);
    }, { readOnly: true });
  }

  async platforms(): Promise<string[]> {
    return (await this.db.sql.rows<{ platform: string }>('SELECT DISTINCT platform FROM cases ORDER BY platform')).map((r) => r.platform);
  }

  async caseDetail(caseId: number): Promise<CaseDetail | undefined> {
    return this.db.tx(async (sql) => {
      const row = await sql.one<CaseRow>('SELECT * FROM cases WHERE id = $1', [caseId]);
      if (!row) return undefined;
      return caseDetail(await rowsOf(sql, [row]), {
        // seq keeps the insertion order of signals with the same time (SQLite's rowid).
        signals: await sql.rows('SELECT level, at FROM case_signals WHERE case_id = $1 ORDER BY at, seq', [caseId]),
        alerts: await sql.rows<AlertStateRow>('SELECT * FROM alerts WHERE case_id = $1 ORDER BY id', [caseId]),
        events: await sql.rows<EventRow>('SELECT * FROM case_events WHERE case_id = $1 ORDER BY id', [caseId]),
      }, this.failingAfterAttempts);
    }, { readOnly: true });
  }

  /** Changes whenever a case, signal, audit row, alert delivery or resource delivery changes, on any instance. */
  async changeMark(): Promise<string> {
    const row = await this.db.sql.one<{ mark: string }>(
      `SELECT (SELECT COUNT(*) || '.' || COALESCE(MAX(last_seen_at), '') FROM cases)
        || ':' || (SELECT COALESCE(MAX(id), 0) FROM case_events)
        || ':' || (SELECT COALESCE(MAX(seq), 0) FROM case_signals)
        || ':' || (SELECT COUNT(*) || '.' || COUNT(delivered_at) || '.' || COALESCE(SUM(attempts), 0) FROM alert_outbox)
        || ':' || (SELECT COUNT(*) || '.' || COUNT(delivered_at) || '.' || COALESCE(SUM(attempts), 0) FROM resource_deliveries) AS mark`,
    );
    return row!.mark;
  }
}

async function rowsOf(sql: Sql, cases: CaseRow[]): Promise<CaseRows> {
  if (cases.length === 0) return { cases, outbox: [], alerts: [], deliveries: [] };
  const ids = cases.map((r) => r.id);
  return {
    cases,
    outbox: await sql.rows<OutboxStateRow>(
      `SELECT id, alert_id, case_id, sink, attempts, delivered_at, digest_at, last_error, payload_json
       FROM alert_outbox WHERE case_id = ANY($1::bigint[]) ORDER BY id`, [ids],
    ),
    alerts: await sql.rows<CaseRows['alerts'][number]>('SELECT case_id, priority FROM alerts WHERE case_id = ANY($1::bigint[]) ORDER BY id', [ids]),
    deliveries: await sql.rows<DeliveryStateRow>(
      `SELECT case_id, place, resource_ids_json, created_at, delivered_at, superseded_at, last_error
       FROM resource_deliveries WHERE case_id = ANY($1::bigint[]) ORDER BY id`, [ids],
    ),
  };
}
