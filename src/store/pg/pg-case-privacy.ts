/**
 * Privacy and retention of the PostgreSQL case store, row for row what SqliteCasePrivacy does:
 * /forget erases identity, words, links and place (keeping the audit fields the policy names),
 * /export lists everything stored about the person, and resolved cases are purged once every
 * alert of theirs went out.
 */
import type { AuditField, CaseExport } from '../case-store.js';
import type { RiskLevel } from '../../messages.js';
import type { AlertPriority, AlertView } from '../../ports.js';
import { parseAlert, toCaseRecord, toEvent, type CaseRow, type EventRow } from '../sqlite/case-rows.js';
import { appendAuditRow } from './pg-case-outbox.js';
import type { PgDb, Sql } from './pg-db.js';

/** Fixed column names only: which audit fields survive a /forget is policy, never user input. */
const FIELDS: readonly AuditField[] = ['action', 'actor', 'at', 'note', 'policy_version'];

export class PgCasePrivacy {
  constructor(private readonly db: PgDb) {}

  /** As on SQLite: identity, words, links and place are erased, undelivered alerts cancelled, resource messages deleted. */
  async forgetUser(userKey: string, keepAuditFields: readonly AuditField[]): Promise<number> {
    const erase = (field: AuditField) => (FIELDS.includes(field) && keepAuditFields.includes(field) ? field : 'NULL');
    const now = new Date().toISOString();
    return this.db.tx(async (sql) => {
      const cases = await sql.rows<{ id: number; platform: string }>('SELECT id, platform FROM cases WHERE user_key = $1 ORDER BY id FOR UPDATE', [userKey]);
      let deliveries = 0;
      for (const { id, platform } of cases) {
        await sql.run(
          `UPDATE cases SET user_key = 'forgotten:' || id, conversation_key = 'forgotten:' || id, conversation_json = $1,
             user_id = '', user_display_name = '', excerpt = '', message_id = NULL, country = NULL WHERE id = $2`,
          [JSON.stringify({ platform, channelId: '' }), id],
        );
        await sql.run('DELETE FROM case_signals WHERE case_id = $1', [id]);
        await sql.run(
          `UPDATE case_events SET action = COALESCE(${erase('action')}, 'erased'), actor = ${erase('actor')},
             at = ${erase('at')}, note = ${erase('note')}, policy_version = ${erase('policy_version')}, detail_json = NULL
           WHERE case_id = $1`,
          [id],
        );
        await scrubPayloads(sql, id, now);
        deliveries += await sql.run('DELETE FROM resource_deliveries WHERE case_id = $1', [id]);
        await appendAuditRow(sql, id, 'forgotten', 'system', now, undefined, undefined, {});
      }
      deliveries += await sql.run('DELETE FROM resource_deliveries WHERE user_key = $1', [userKey]);
      return cases.length + deliveries;
    });
  }

  async exportUser(userKey: string): Promise<CaseExport[]> {
    return this.db.tx(async (sql) => {
      const rows = await sql.rows<CaseRow>('SELECT * FROM cases WHERE user_key = $1 ORDER BY id', [userKey]);
      const out: CaseExport[] = [];
      for (const row of rows) {
        const c = toCaseRecord(row);
        const signals = await sql.rows<{ level: RiskLevel; at: string }>('SELECT level, at FROM case_signals WHERE case_id = $1 ORDER BY at, seq', [c.id]);
        const alerts = await sql.rows<{ id: number; kind: string; level: RiskLevel; priority: AlertPriority; created_at: string }>(
          'SELECT id, kind, level, priority, created_at FROM alerts WHERE case_id = $1 ORDER BY id', [c.id],
        );
        const audit = (await sql.rows<EventRow>('SELECT * FROM case_events WHERE case_id = $1 ORDER BY id', [c.id])).map(toEvent);
        const deliveries = await sql.rows<{
          resource_ids_json: string; level: RiskLevel; country: string | null; created_at: string;
          delivered_at: string | null; superseded_at: string | null; attempts: number;
        }>(
          `SELECT resource_ids_json, level, country, created_at, delivered_at, superseded_at, attempts
           FROM resource_deliveries WHERE case_id = $1 ORDER BY id`,
          [c.id],
        );
        out.push({
          id: c.id, status: c.status, level: c.level, reasons: c.reasons, excerpt: c.excerpt, country: c.country,
          resourcesSent: c.resourcesSent, reachedPrivately: c.reachedPrivately, openedAt: row.opened_at,
          acknowledgedAt: row.acknowledged_at ?? undefined, resolvedAt: row.resolved_at ?? undefined, outcome: c.outcome,
          signals: signals.map((s) => ({ level: s.level, at: s.at })),
          alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, level: a.level, priority: a.priority, at: a.created_at })),
          audit: audit.map((e) => ({ action: e.action, actor: e.actor, at: e.at?.toISOString(), note: e.note })),
          resourceDeliveries: deliveries.map((d) => ({
            resources: JSON.parse(d.resource_ids_json) as string[], level: d.level, country: d.country ?? undefined,
            queuedAt: d.created_at, deliveredAt: d.delivered_at ?? undefined, supersededAt: d.superseded_at ?? undefined, attempts: d.attempts,
          })),
        });
      }
      return out;
    });
  }

  async purgeResolved(before: Date): Promise<number> {
    return this.db.sql.run(
      `DELETE FROM cases WHERE status = 'resolved' AND resolved_at < $1
         AND NOT EXISTS (SELECT 1 FROM alert_outbox o WHERE o.case_id = cases.id AND o.delivered_at IS NULL)`,
      [before.toISOString()],
    );
  }
}

/** Erases identity, words and place from every stored payload of the case; an undelivered row is cancelled. */
async function scrubPayloads(sql: Sql, caseId: number, now: string): Promise<void> {
  const rows = await sql.rows<{ id: number; payload_json: string; delivered_at: string | null }>(
    'SELECT id, payload_json, delivered_at FROM alert_outbox WHERE case_id = $1', [caseId],
  );
  for (const row of rows) {
    const alert = parseAlert(row.payload_json);
    const scrubbed: AlertView = {
      ...alert, excerpt: '', country: undefined,
      conversation: { platform: alert.conversation.platform, channelId: '' }, user: { id: '', displayName: '' },
    };
    delete scrubbed.messageId;
    await sql.run('UPDATE alert_outbox SET payload_json = $1, last_error = NULL WHERE id = $2', [JSON.stringify(scrubbed), row.id]);
    if (row.delivered_at === null) {
      await sql.run(
        "UPDATE alert_outbox SET delivered_at = $1, ref = 'cancelled: forgotten', claim_token = NULL, claimed_until = NULL WHERE id = $2 AND delivered_at IS NULL",
        [now, row.id],
      );
    }
  }
}
