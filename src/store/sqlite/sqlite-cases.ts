/**
 * CaseStore on better-sqlite3 (migrations/0002_cases.sql). Each method is one synchronous
 * db.transaction, so a case change and its outbox rows commit together or not at all; a
 * crash at any point leaves either no case or a case with all of its pending alerts.
 *
 * This file holds cases, moderator actions and the audit log; the alert outbox is in
 * case-outbox.ts, privacy and retention in case-privacy.ts, the shared connection, statement
 * cache and transaction wrapper in case-db.ts.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { riskRank, type RiskLevel } from '../../messages.js';
import type {
  AuditEvent, AuditField, CaseAction, CaseExport, CaseActionResult, CaseRecord, CaseSignal, CaseStore,
  CaseSummary, OutboxRow, RealertInput, SignalResult,
} from '../case-store.js';
import { CaseDb } from './case-db.js';
import { SqliteAlertOutbox } from './case-outbox.js';
import { SqliteCasePrivacy } from './case-privacy.js';
import { toAlertView, toCaseRecord, toEvent, type CaseRow, type DeliveryRow, type EventRow } from './case-rows.js';

type Db = BetterSqlite3.Database;

export class SqliteCaseStore implements CaseStore {
  private readonly db: CaseDb;
  private readonly outbox: SqliteAlertOutbox;
  private readonly privacy: SqliteCasePrivacy;

  constructor(db: Db) {
    // One CaseDb for all parts: one statement cache, and every part's writes in the same transactions.
    this.db = new CaseDb(db);
    this.outbox = new SqliteAlertOutbox(this.db);
    this.privacy = new SqliteCasePrivacy(this.db);
  }

  async recordSignal(s: CaseSignal): Promise<SignalResult> {
    return this.db.tx(() => {
      const at = s.at.toISOString();
      const seen = this.db.sql('SELECT case_id, level FROM case_signals WHERE platform = ? AND message_id = ?')
        .get(s.conversation.platform, s.messageId) as { case_id: number; level: RiskLevel } | undefined;
      // A redelivery is a no-op; the same message read at a higher level (the model judge's later
      // verdict) raises its case, or the moderators never hear of what the judge found.
      if (seen && riskRank(s.level) <= riskRank(seen.level)) {
        return { caseRecord: this.db.mustGet(seen.case_id), created: false, escalated: false, updated: false, duplicate: true, alertIds: [] };
      }
      const active = this.activeRow(s.userKey, s.conversationKey, s.conversation.communityId);
      let caseId: number;
      let created = false;
      let escalated = false;
      let updated = false;
      if (!active) {
        caseId = Number(this.db.sql(
          `INSERT INTO cases (user_key, conversation_key, platform, conversation_json, is_direct, user_id,
             user_display_name, status, level, reasons_json, excerpt, country, resources_sent_json,
             reached_privately, policy_version, opened_at, last_seen_at, next_realert_at, message_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          s.userKey, s.conversationKey, s.conversation.platform, JSON.stringify(s.conversation), s.isDirect ? 1 : 0,
          s.user.id, s.user.displayName, s.level, JSON.stringify(s.reasons), s.excerpt, s.country ?? null,
          JSON.stringify(s.resourcesSent), s.reachedPrivately ? 1 : 0, s.policyVersion, at, at,
          s.realertAt.toISOString(), s.messageId,
        ).lastInsertRowid);
        created = true;
        this.db.audit(caseId, 'opened', 'system', at, undefined, s.policyVersion, { level: s.level, reasons: s.reasons });
      } else if (riskRank(s.level) > riskRank(active.level)) {
        caseId = active.id;
        escalated = true;
        // A higher level needs a fresh acknowledgement: the case goes back to 'open' and re-alerts
        // resume at the new level's target (fail toward safety; the audit log keeps the earlier ack).
        // The excerpt and the message link move together to the message that raised the level.
        this.db.sql(
          `UPDATE cases SET level = ?, reasons_json = ?, excerpt = ?, message_id = ?, policy_version = ?, status = 'open',
             acknowledged_at = NULL, acknowledged_by = NULL, next_realert_at = ?, last_seen_at = MAX(last_seen_at, ?),
             country = COALESCE(?, country), user_display_name = ?,
             resources_sent_json = CASE WHEN ? THEN ? ELSE resources_sent_json END,
             reached_privately = CASE WHEN ? THEN ? ELSE reached_privately END
           WHERE id = ?`,
        ).run(
          s.level, JSON.stringify(s.reasons), s.excerpt, s.messageId, s.policyVersion, s.realertAt.toISOString(), at,
          s.country ?? null, s.user.displayName, s.resourcesSent.length > 0 ? 1 : 0, JSON.stringify(s.resourcesSent),
          s.resourcesSent.length > 0 ? 1 : 0, s.reachedPrivately ? 1 : 0, caseId,
        );
        this.db.audit(caseId, 'escalated', 'system', at, undefined, s.policyVersion, {
          from: active.level, to: s.level, reasons: s.reasons,
        });
      } else if (s.level === active.level && s.disclosure !== false) {
        caseId = active.id;
        updated = true;
        // A new disclosure at the same level is news for the moderators (issue 12 item 4): the
        // excerpt and the message link move to it; the status and re-alert schedule stay.
        this.db.sql(
          `UPDATE cases SET reasons_json = ?, excerpt = ?, message_id = ?, last_seen_at = MAX(last_seen_at, ?),
             country = COALESCE(country, ?) WHERE id = ?`,
        ).run(JSON.stringify(s.reasons), s.excerpt, s.messageId, at, s.country ?? null, caseId);
        this.db.audit(caseId, 'disclosure', 'system', at, undefined, s.policyVersion, { level: s.level, reasons: s.reasons });
      } else {
        caseId = active.id;
        this.db.sql(
          'UPDATE cases SET last_seen_at = MAX(last_seen_at, ?), country = COALESCE(country, ?) WHERE id = ?',
        ).run(at, s.country ?? null, caseId);
      }
      if (s.resourcesSent.length > 0) this.setResources(caseId, s.level, at);
      this.db.sql(`INSERT INTO case_signals (platform, message_id, case_id, level, at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (platform, message_id) DO UPDATE SET case_id = excluded.case_id, level = excluded.level`)
        .run(s.conversation.platform, s.messageId, caseId, s.level, at);
      const caseRecord = this.db.mustGet(caseId);
      const alertIds: number[] = [];
      // A level that does not wait for a digest releases this case's held alerts first, so the
      // moderators get the case's first alert before (and with) the louder one.
      if (escalated && s.digestAt === undefined) this.outbox.releaseHeld(caseId, at);
      if (created || escalated) {
        alertIds.push(this.outbox.writeAlert(caseRecord, created ? 'new' : 'escalated', s.priority, s.at, s.sinks, undefined, s.digestAt, s.holdUntil).id);
      } else if (updated && s.priority === 'urgent') {
        // An attempt under way while the case is open pages again at once, acknowledged or not.
        this.outbox.releaseHeld(caseId, at);
        alertIds.push(this.outbox.writeAlert(caseRecord, 'realert', 'urgent', s.at, s.sinks, undefined, undefined, s.holdUntil).id);
      } else if (updated) {
        const written = this.outbox.writeUpdate(caseRecord, s.at, s.sinks);
        if (written) alertIds.push(written.id);
      }
      return { caseRecord, created, escalated, updated, duplicate: false, alertIds };
    });
  }

  async activeCase(userKey: string, conversationKey: string, communityId?: string): Promise<CaseRecord | undefined> {
    return this.db.tx(() => {
      const row = this.activeRow(userKey, conversationKey, communityId);
      return row ? toCaseRecord(row) : undefined;
    });
  }

  async lastFalsePositive(userKey: string): Promise<Date | undefined> {
    return this.db.tx(() => {
      const row = this.db.sql(
        "SELECT MAX(resolved_at) AS at FROM cases WHERE user_key = ? AND status = 'resolved' AND outcome = 'false_positive'",
      ).get(userKey) as { at: string | null };
      return row.at === null ? undefined : new Date(row.at);
    });
  }

  async getCase(caseId: number): Promise<CaseRecord | undefined> {
    return this.db.tx(() => {
      const row = this.db.sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
      return row ? toCaseRecord(row) : undefined;
    });
  }

  async releaseAlerts(caseId: number, at: Date): Promise<void> {
    this.db.tx(() => {
      const iso = at.toISOString();
      this.db.sql(
        `UPDATE alert_outbox SET next_attempt_at = ? WHERE case_id = ? AND delivered_at IS NULL AND digest_at IS NULL
           AND claim_token IS NULL AND attempts = 0 AND next_attempt_at > ?`,
      ).run(iso, caseId, iso);
    });
  }

  async markResourcesSent(caseId: number, level: RiskLevel, at: Date): Promise<void> {
    await this.db.tx(() => this.setResources(caseId, level, at.toISOString()));
  }

  async applyAction(a: CaseAction): Promise<CaseActionResult> {
    return this.db.tx((): CaseActionResult => {
      const before = this.db.sql('SELECT * FROM cases WHERE id = ?').get(a.caseId) as CaseRow | undefined;
      if (!before) return { status: 'not_found' };
      const at = a.at.toISOString();
      const update = this.actionUpdate(a, before);
      if (update === undefined) return { status: 'invalid_state', caseRecord: toCaseRecord(before) };
      if (update !== null) this.db.sql(update.sql).run(...update.params, a.caseId);
      this.db.audit(a.caseId, a.kind, a.actor, at, a.note, before.policy_version, {
        fromStatus: before.status, ...(a.outcome ? { outcome: a.outcome } : {}), ...(a.via ? { via: a.via } : {}),
      });
      const caseRecord = this.db.mustGet(a.caseId);
      const acted = { by: a.actorName, at: a.at };
      // Acknowledge and resolve are news, not alarms: they go out at normal priority (issue 12 item 9).
      const written = caseRecord.status !== before.status
        ? this.outbox.writeUpdate(caseRecord, a.at, a.updateSinks, acted, 'normal') : undefined;
      const latest = this.outbox.latestAlert(a.caseId);
      const alertRow = written
        ?? { id: latest?.id ?? 0, case_id: a.caseId, kind: 'update' as const, level: caseRecord.level, priority: 'normal' as const, created_at: at };
      return { status: 'ok', caseRecord, alert: toAlertView(caseRecord, alertRow, acted) };
    });
  }

  async markUnreachable(
    caseId: number, at: Date, sinks: string[], policyVersion?: string,
  ): Promise<{ changed: boolean; alertId: number | undefined }> {
    return this.db.tx(() => {
      const before = this.db.sql('SELECT reached_privately, policy_version FROM cases WHERE id = ?').get(caseId) as
        Pick<CaseRow, 'reached_privately' | 'policy_version'> | undefined;
      if (!before) return { changed: false, alertId: undefined };
      this.db.audit(caseId, 'dm_refused', 'bot', at.toISOString(),
        'the private message with resources was refused; minimal resources were posted in place',
        policyVersion ?? before.policy_version, {});
      if (before.reached_privately === 0) return { changed: false, alertId: undefined };
      this.db.sql('UPDATE cases SET reached_privately = 0 WHERE id = ?').run(caseId);
      return { changed: true, alertId: this.outbox.writeUpdate(this.db.mustGet(caseId), at, sinks)?.id };
    });
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    await this.db.tx(() => {
      const exists = e.caseId !== undefined && this.db.sql('SELECT 1 FROM cases WHERE id = ?').get(e.caseId);
      const detail = exists || e.caseId === undefined ? e.detail : { ...e.detail, requestedCaseId: e.caseId };
      this.db.audit(exists ? e.caseId! : null, e.action, e.actor, e.at?.toISOString(), e.note, e.policyVersion, detail);
    });
  }

  async auditLog(caseId: number): Promise<AuditEvent[]> {
    return this.db.tx(() =>
      (this.db.sql('SELECT * FROM case_events WHERE case_id = ? ORDER BY id').all(caseId) as EventRow[]).map(toEvent),
    );
  }

  async listCases(o: { activeOnly: boolean; failingAfterAttempts: number; limit?: number }): Promise<CaseSummary[]> {
    return this.db.tx(() => {
      const rows = this.db.sql(
        `SELECT * FROM cases ${o.activeOnly ? "WHERE status <> 'resolved'" : ''} ORDER BY id DESC LIMIT ?`,
      ).all(o.limit ?? 200) as CaseRow[];
      const delivery = this.db.sql(
        `SELECT SUM(delivered_at IS NULL) AS pending, SUM(delivered_at IS NULL AND attempts >= ?) AS failing,
                SUM(delivered_at IS NOT NULL) AS delivered,
                MAX(CASE WHEN delivered_at IS NULL THEN last_error END) AS last_error
         FROM alert_outbox WHERE case_id = ?`,
      );
      return rows.map((row) => {
        const d = delivery.get(o.failingAfterAttempts, row.id) as DeliveryRow;
        return {
          ...toCaseRecord(row),
          delivery: { pending: d.pending ?? 0, failing: d.failing ?? 0, delivered: d.delivered ?? 0, lastError: d.last_error ?? undefined },
        };
      });
    });
  }

  // ── the alert outbox (case-outbox.ts) ──

  dueRealerts(now: Date): Promise<CaseRecord[]> {
    return this.outbox.dueRealerts(now);
  }

  addRealert(r: RealertInput): Promise<number | undefined> {
    return this.outbox.addRealert(r);
  }

  claimDue(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.outbox.claimDue(now, leaseMs, limit);
  }

  claimDigests(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.outbox.claimDigests(now, leaseMs, limit);
  }

  alertRefs(caseId: number, sink: string): Promise<string[]> {
    return this.outbox.alertRefs(caseId, sink);
  }

  markDelivered(rowId: number, ref: string | undefined, at: Date): Promise<boolean> {
    return this.outbox.markDelivered(rowId, ref, at);
  }

  markFailed(rowId: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    return this.outbox.markFailed(rowId, claimToken, errorCode, nextAttemptAt);
  }

  releaseClaims(dueAt?: Date): Promise<number> {
    return this.outbox.releaseClaims(dueAt);
  }

  outboxStats(failingAfterAttempts: number, now?: Date): Promise<{ depth: number; failing: number }> {
    return this.outbox.outboxStats(failingAfterAttempts, now);
  }

  // ── privacy and retention (case-privacy.ts) ──

  forgetUser(userKey: string, keepAuditFields: readonly AuditField[]): Promise<number> {
    return this.privacy.forgetUser(userKey, keepAuditFields);
  }

  exportUser(userKey: string): Promise<CaseExport[]> {
    return this.privacy.exportUser(userKey);
  }

  purgeResolved(before: Date): Promise<number> {
    return this.privacy.purgeResolved(before);
  }

  // ── helpers (all run inside a caller's transaction) ──

  /**
   * One case per person per community (CRISIS.md §6 "one open case per user"): the group post
   * and the DM the bot invited are the same case. A DM has no community, so it joins the
   * person's newest active case; a group message joins a case of its own community or a DM case.
   */
  private activeRow(userKey: string, conversationKey: string, communityId: string | undefined): CaseRow | undefined {
    const community = communityId ?? null;
    return this.db.sql(
      `SELECT * FROM cases WHERE user_key = ? AND status <> 'resolved'
         AND (conversation_key = ? OR ? IS NULL OR json_extract(conversation_json, '$.communityId') IS NULL
              OR json_extract(conversation_json, '$.communityId') = ?)
       ORDER BY conversation_key = ? DESC, id DESC LIMIT 1`,
    ).get(userKey, conversationKey, community, community, conversationKey) as CaseRow | undefined;
  }

  private setResources(caseId: number, level: RiskLevel, at: string): void {
    this.db.sql('UPDATE cases SET resources_at = ?, resources_level = ? WHERE id = ?').run(at, level, caseId);
  }

  /**
   * The SQL for a moderator action, `null` when only the audit row changes (a note), or
   * undefined when the action does not apply in the case's state.
   */
  private actionUpdate(a: CaseAction, c: CaseRow): { sql: string; params: unknown[] } | null | undefined {
    const at = a.at.toISOString();
    switch (a.kind) {
      case 'acknowledge':
        if (c.status !== 'open') return undefined;
        return {
          sql: "UPDATE cases SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, next_realert_at = NULL WHERE id = ?",
          params: [at, a.actor],
        };
      case 'resolve':
        if (c.status === 'resolved') return undefined;
        // Resolving ends any pause: the bot answers the user normally again.
        return {
          sql: `UPDATE cases SET status = 'resolved', resolved_at = ?, resolved_by = ?, outcome = ?, paused = 0,
                  next_realert_at = NULL WHERE id = ?`,
          params: [at, a.actor, a.outcome ?? 'unknown'],
        };
      case 'note':
        return null;
      case 'pause':
      case 'resume': {
        const paused = a.kind === 'pause' ? 1 : 0;
        if (c.status === 'resolved' || c.paused === paused) return undefined;
        return { sql: 'UPDATE cases SET paused = ? WHERE id = ?', params: [paused] };
      }
    }
  }
}
