/**
 * Privacy and retention for the SQLite case store: /forget erases a user's identity, words
 * and message links from cases, audit rows and stored alert payloads (keeping the audit
 * fields the policy says to keep), and resolved cases are purged once fully delivered.
 */
import type { AuditField, CaseExport } from '../case-store.js';
import type { RiskLevel } from '../../messages.js';
import type { AlertPriority, AlertView } from '../../ports.js';
import type { CaseDb } from './case-db.js';
import { parseAlert, toCaseRecord, toEvent, type CaseRow, type EventRow } from './case-rows.js';

/** Privacy and retention methods of SqliteCaseStore; each public one is one transaction. */
export class SqliteCasePrivacy {
  constructor(private readonly db: CaseDb) {}

  /**
   * Keeps of each of the user's cases only what CRISIS.md lets moderators keep: that a case
   * existed, its level, status, times and reason codes, and the audit fields the policy names.
   * Identity, words, links and where it happened are erased; alerts not yet delivered are
   * cancelled (they would carry nothing a moderator could act on).
   */
  async forgetUser(userKey: string, keepAuditFields: readonly AuditField[]): Promise<number> {
    return this.db.tx(() => {
      const ids = (this.db.sql('SELECT id FROM cases WHERE user_key = ?').all(userKey) as Array<{ id: number }>)
        .map((r) => r.id);
      const erase = (field: AuditField) => (keepAuditFields.includes(field) ? field : 'NULL');
      const now = new Date().toISOString();
      let deliveries = 0;
      for (const id of ids) {
        const platform = (this.db.sql('SELECT platform FROM cases WHERE id = ?').get(id) as { platform: string }).platform;
        // The keys become unique per case, so the one-active-case index can never collide; the
        // conversation goes too (a private chat's id is the user's id on Telegram).
        this.db.sql(
          `UPDATE cases SET user_key = 'forgotten:' || id, conversation_key = 'forgotten:' || id, conversation_json = ?,
             user_id = '', user_display_name = '', excerpt = '', message_id = NULL, country = NULL WHERE id = ?`,
        ).run(JSON.stringify({ platform, channelId: '' }), id);
        this.db.sql('DELETE FROM case_signals WHERE case_id = ?').run(id);
        this.db.sql(
          `UPDATE case_events SET action = COALESCE(${erase('action')}, 'erased'), actor = ${erase('actor')},
             at = ${erase('at')}, note = ${erase('note')}, policy_version = ${erase('policy_version')}, detail_json = NULL
           WHERE case_id = ?`,
        ).run(id);
        this.scrubPayloads(id, now);
        deliveries += this.db.sql('DELETE FROM resource_deliveries WHERE case_id = ?').run(id).changes;
        this.db.audit(id, 'forgotten', 'system', now, undefined, undefined, {});
      }
      // Queued resource messages name the person's conversation: they go too.
      deliveries += this.db.sql('DELETE FROM resource_deliveries WHERE user_key = ?').run(userKey).changes;
      return ids.length + deliveries;
    });
  }

  async exportUser(userKey: string): Promise<CaseExport[]> {
    return this.db.tx(() => {
      const rows = this.db.sql('SELECT * FROM cases WHERE user_key = ? ORDER BY id').all(userKey) as CaseRow[];
      return rows.map((row): CaseExport => {
        const c = toCaseRecord(row);
        const signals = this.db.sql('SELECT level, at FROM case_signals WHERE case_id = ? ORDER BY at, rowid').all(c.id) as
          Array<{ level: RiskLevel; at: string }>;
        const alerts = this.db.sql('SELECT id, kind, level, priority, created_at FROM alerts WHERE case_id = ? ORDER BY id').all(c.id) as
          Array<{ id: number; kind: string; level: RiskLevel; priority: AlertPriority; created_at: string }>;
        const audit = (this.db.sql('SELECT * FROM case_events WHERE case_id = ? ORDER BY id').all(c.id) as EventRow[]).map(toEvent);
        const deliveries = this.db.sql(
          `SELECT resource_ids_json, level, country, created_at, delivered_at, superseded_at, attempts
           FROM resource_deliveries WHERE case_id = ? ORDER BY id`,
        ).all(c.id) as Array<{
          resource_ids_json: string; level: RiskLevel; country: string | null; created_at: string;
          delivered_at: string | null; superseded_at: string | null; attempts: number;
        }>;
        return {
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
        };
      });
    });
  }

  async purgeResolved(before: Date): Promise<number> {
    return this.db.tx(() => this.db.sql(
      `DELETE FROM cases WHERE status = 'resolved' AND resolved_at < ?
         AND NOT EXISTS (SELECT 1 FROM alert_outbox o WHERE o.case_id = cases.id AND o.delivered_at IS NULL)`,
    ).run(before.toISOString()).changes);
  }

  /**
   * Erases identity, words and place from every stored payload of the case. A row not yet
   * delivered is cancelled (marked done with a reason) rather than sent without a person in it.
   */
  private scrubPayloads(caseId: number, now: string): void {
    const rows = this.db.sql('SELECT id, payload_json, delivered_at FROM alert_outbox WHERE case_id = ?')
      .all(caseId) as Array<{ id: number; payload_json: string; delivered_at: string | null }>;
    const update = this.db.sql('UPDATE alert_outbox SET payload_json = ?, last_error = NULL WHERE id = ?');
    const cancel = this.db.sql(
      "UPDATE alert_outbox SET delivered_at = ?, ref = 'cancelled: forgotten', claim_token = NULL, claimed_until = NULL WHERE id = ? AND delivered_at IS NULL",
    );
    for (const row of rows) {
      const alert = parseAlert(row.payload_json);
      const scrubbed: AlertView = {
        ...alert,
        excerpt: '',
        country: undefined,
        conversation: { platform: alert.conversation.platform, channelId: '' },
        user: { id: '', displayName: '' },
      };
      // The link leads to the user's own words: it goes with the excerpt.
      delete scrubbed.messageId;
      update.run(JSON.stringify(scrubbed), row.id);
      if (row.delivered_at === null) cancel.run(now, row.id);
    }
  }
}
