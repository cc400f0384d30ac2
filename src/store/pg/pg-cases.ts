/**
 * CaseStore on PostgreSQL: the same transactions as SqliteCaseStore, for several instances.
 * A signal takes a transaction-scoped advisory lock on its person first (one case per person per
 * community, across DM and group), so two
 * instances screening that person's messages at once cannot both open a case (the partial unique
 * index would refuse the second anyway; the lock makes the second see the first's case and
 * escalate or touch it instead of failing). The lock ends with the transaction or the connection.
 */
import { riskRank, type RiskLevel } from '../../messages.js';
import type {
  AuditEvent, AuditField, CaseAction, CaseActionResult, CaseExport, CaseRecord, CaseSignal, CaseStore, CaseSummary,
  OutboxRow, RealertInput, SignalResult,
} from '../case-store.js';
import { toAlertView, toCaseRecord, toEvent, type CaseRow, type DeliveryRow, type EventRow } from '../sqlite/case-rows.js';
import { PgAlertOutbox, appendAuditRow, mustGetCase } from './pg-case-outbox.js';
import { PgCasePrivacy } from './pg-case-privacy.js';
import type { PgDb, Sql } from './pg-db.js';

export class PgCaseStore implements CaseStore {
  private readonly outbox: PgAlertOutbox;
  private readonly privacy: PgCasePrivacy;

  constructor(private readonly db: PgDb) {
    this.outbox = new PgAlertOutbox(db);
    this.privacy = new PgCasePrivacy(db);
  }

  async recordSignal(s: CaseSignal): Promise<SignalResult> {
    return this.db.tx(async (sql) => {
      await sql.run('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`case:${s.userKey}`]);
      const at = s.at.toISOString();
      const seen = await sql.one<{ case_id: number; level: RiskLevel }>(
        'SELECT case_id, level FROM case_signals WHERE platform = $1 AND message_id = $2', [s.conversation.platform, s.messageId],
      );
      // A redelivery is a no-op; the same message read at a higher level (the judge) raises its case.
      if (seen && riskRank(s.level) <= riskRank(seen.level)) {
        return { caseRecord: await mustGetCase(sql, seen.case_id), created: false, escalated: false, updated: false, duplicate: true, alertIds: [] };
      }
      const active = await activeRow(sql, s.userKey, s.conversationKey, s.conversation.communityId);
      let caseId: number;
      let created = false;
      let escalated = false;
      let updated = false;
      if (!active) {
        caseId = (await sql.one<{ id: number }>(
          `INSERT INTO cases (user_key, conversation_key, platform, conversation_json, is_direct, user_id,
             user_display_name, status, level, reasons_json, excerpt, country, resources_sent_json,
             reached_privately, policy_version, opened_at, last_seen_at, next_realert_at, message_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17) RETURNING id`,
          [
            s.userKey, s.conversationKey, s.conversation.platform, JSON.stringify(s.conversation), s.isDirect ? 1 : 0,
            s.user.id, s.user.displayName, s.level, JSON.stringify(s.reasons), s.excerpt, s.country ?? null,
            JSON.stringify(s.resourcesSent), s.reachedPrivately ? 1 : 0, s.policyVersion, at, s.realertAt.toISOString(), s.messageId,
          ],
        ))!.id;
        created = true;
        await appendAuditRow(sql, caseId, 'opened', 'system', at, undefined, s.policyVersion, { level: s.level, reasons: s.reasons });
      } else if (riskRank(s.level) > riskRank(active.level)) {
        caseId = active.id;
        escalated = true;
        // As on SQLite: a higher level needs a fresh acknowledgement, and the excerpt and link
        // move to the message that raised the level.
        const withResources = s.resourcesSent.length > 0;
        await sql.run(
          `UPDATE cases SET level = $1, reasons_json = $2, excerpt = $3, message_id = $4, policy_version = $5, status = 'open',
             acknowledged_at = NULL, acknowledged_by = NULL, next_realert_at = $6, last_seen_at = GREATEST(last_seen_at, $7),
             country = COALESCE($8, country), user_display_name = $9,
             resources_sent_json = CASE WHEN $10::boolean THEN $11 ELSE resources_sent_json END,
             reached_privately = CASE WHEN $10::boolean THEN $12::smallint ELSE reached_privately END
           WHERE id = $13`,
          [
            s.level, JSON.stringify(s.reasons), s.excerpt, s.messageId, s.policyVersion, s.realertAt.toISOString(), at,
            s.country ?? null, s.user.displayName, withResources, JSON.stringify(s.resourcesSent), s.reachedPrivately ? 1 : 0, caseId,
          ],
        );
        await appendAuditRow(sql, caseId, 'escalated', 'system', at, undefined, s.policyVersion, { from: active.level, to: s.level, reasons: s.reasons });
      } else if (s.level === active.level && s.disclosure !== false) {
        caseId = active.id;
        updated = true;
        // A new disclosure at the same level is news for the moderators: the excerpt and the
        // message link move to it; the status and re-alert schedule stay.
        await sql.run(
          `UPDATE cases SET reasons_json = $1, excerpt = $2, message_id = $3, last_seen_at = GREATEST(last_seen_at, $4),
             country = COALESCE(country, $5) WHERE id = $6`,
          [JSON.stringify(s.reasons), s.excerpt, s.messageId, at, s.country ?? null, caseId],
        );
        await appendAuditRow(sql, caseId, 'disclosure', 'system', at, undefined, s.policyVersion, { level: s.level, reasons: s.reasons });
      } else {
        caseId = active.id;
        await sql.run('UPDATE cases SET last_seen_at = GREATEST(last_seen_at, $1), country = COALESCE(country, $2) WHERE id = $3', [at, s.country ?? null, caseId]);
      }
      if (s.resourcesSent.length > 0) await setResources(sql, caseId, s.level, at);
      await sql.run(`INSERT INTO case_signals (platform, message_id, case_id, level, at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (platform, message_id) DO UPDATE SET case_id = excluded.case_id, level = excluded.level`, [
        s.conversation.platform, s.messageId, caseId, s.level, at,
      ]);
      const caseRecord = await mustGetCase(sql, caseId);
      const alertIds: number[] = [];
      if (escalated && s.digestAt === undefined) await this.outbox.releaseHeld(sql, caseId, at);
      if (created || escalated) {
        alertIds.push((await this.outbox.writeAlert(sql, caseRecord, created ? 'new' : 'escalated', s.priority, s.at, s.sinks, undefined, s.digestAt, s.holdUntil)).id);
      } else if (updated && s.priority === 'urgent') {
        // An attempt under way while the case is open pages again at once, acknowledged or not.
        await this.outbox.releaseHeld(sql, caseId, at);
        alertIds.push((await this.outbox.writeAlert(sql, caseRecord, 'realert', 'urgent', s.at, s.sinks, undefined, undefined, s.holdUntil)).id);
      } else if (updated) {
        const written = await this.outbox.writeUpdate(sql, caseRecord, s.at, s.sinks);
        if (written) alertIds.push(written.id);
      }
      return { caseRecord, created, escalated, updated, duplicate: false, alertIds };
    });
  }

  async activeCase(userKey: string, conversationKey: string, communityId?: string): Promise<CaseRecord | undefined> {
    const row = await activeRow(this.db.sql, userKey, conversationKey, communityId);
    return row ? toCaseRecord(row) : undefined;
  }

  async lastFalsePositive(userKey: string): Promise<Date | undefined> {
    const row = await this.db.sql.one<{ at: string | null }>(
      "SELECT MAX(resolved_at) AS at FROM cases WHERE user_key = $1 AND status = 'resolved' AND outcome = 'false_positive'", [userKey],
    );
    return row?.at ? new Date(row.at) : undefined;
  }

  async getCase(caseId: number): Promise<CaseRecord | undefined> {
    const row = await this.db.sql.one<CaseRow>('SELECT * FROM cases WHERE id = $1', [caseId]);
    return row ? toCaseRecord(row) : undefined;
  }

  async releaseAlerts(caseId: number, at: Date): Promise<void> {
    const iso = at.toISOString();
    await this.db.sql.run(
      `UPDATE alert_outbox SET next_attempt_at = $1 WHERE case_id = $2 AND delivered_at IS NULL AND digest_at IS NULL
         AND claim_token IS NULL AND attempts = 0 AND next_attempt_at > $1`,
      [iso, caseId],
    );
  }

  async markResourcesSent(caseId: number, level: RiskLevel, at: Date): Promise<void> {
    await setResources(this.db.sql, caseId, level, at.toISOString());
  }

  async applyAction(a: CaseAction): Promise<CaseActionResult> {
    return this.db.tx(async (sql): Promise<CaseActionResult> => {
      // FOR UPDATE: two moderators pressing on two instances act one after the other, and the
      // second sees the first's state change (so "already acknowledged" is said once, correctly).
      const before = await sql.one<CaseRow>('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [a.caseId]);
      if (!before) return { status: 'not_found' };
      const at = a.at.toISOString();
      const update = actionUpdate(a, before);
      if (update === undefined) return { status: 'invalid_state', caseRecord: toCaseRecord(before) };
      if (update !== null) await sql.run(update.sql, [...update.params, a.caseId]);
      await appendAuditRow(sql, a.caseId, a.kind, a.actor, at, a.note, before.policy_version, {
        fromStatus: before.status, ...(a.outcome ? { outcome: a.outcome } : {}), ...(a.via ? { via: a.via } : {}),
      });
      const caseRecord = await mustGetCase(sql, a.caseId);
      const acted = { by: a.actorName, at: a.at };
      // Acknowledge and resolve are news, not alarms: they go out at normal priority.
      const written = caseRecord.status !== before.status
        ? await this.outbox.writeUpdate(sql, caseRecord, a.at, a.updateSinks, acted, 'normal') : undefined;
      const latest = await this.outbox.latestAlert(sql, a.caseId);
      const alertRow = written
        ?? { id: latest?.id ?? 0, case_id: a.caseId, kind: 'update' as const, level: caseRecord.level, priority: 'normal' as const, created_at: at };
      return { status: 'ok', caseRecord, alert: toAlertView(caseRecord, alertRow, acted) };
    });
  }

  async markUnreachable(caseId: number, at: Date, sinks: string[], policyVersion?: string): Promise<{ changed: boolean; alertId: number | undefined }> {
    return this.db.tx(async (sql) => {
      const before = await sql.one<Pick<CaseRow, 'reached_privately' | 'policy_version'>>(
        'SELECT reached_privately, policy_version FROM cases WHERE id = $1 FOR UPDATE', [caseId],
      );
      if (!before) return { changed: false, alertId: undefined };
      await appendAuditRow(sql, caseId, 'dm_refused', 'bot', at.toISOString(),
        'the private message with resources was refused; minimal resources were posted in place', policyVersion ?? before.policy_version, {});
      if (before.reached_privately === 0) return { changed: false, alertId: undefined };
      await sql.run('UPDATE cases SET reached_privately = 0 WHERE id = $1', [caseId]);
      return { changed: true, alertId: (await this.outbox.writeUpdate(sql, await mustGetCase(sql, caseId), at, sinks))?.id };
    });
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    await this.db.tx(async (sql) => {
      const exists = e.caseId !== undefined && (await sql.one('SELECT 1 FROM cases WHERE id = $1', [e.caseId])) !== undefined;
      const detail = exists || e.caseId === undefined ? e.detail : { ...e.detail, requestedCaseId: e.caseId };
      await appendAuditRow(sql, exists ? e.caseId! : null, e.action, e.actor, e.at?.toISOString(), e.note, e.policyVersion, detail);
    });
  }

  async auditLog(caseId: number): Promise<AuditEvent[]> {
    return (await this.db.sql.rows<EventRow>('SELECT * FROM case_events WHERE case_id = $1 ORDER BY id', [caseId])).map(toEvent);
  }

  async listCases(o: { activeOnly: boolean; failingAfterAttempts: number; limit?: number }): Promise<CaseSummary[]> {
    return this.db.tx(async (sql) => {
      const rows = await sql.rows<CaseRow>(
        `SELECT * FROM cases ${o.activeOnly ? "WHERE status <> 'resolved'" : ''} ORDER BY id DESC LIMIT $1`, [o.limit ?? 200],
      );
      const out: CaseSummary[] = [];
      for (const row of rows) {
        const d = (await sql.one<DeliveryRow>(
          `SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL)::int AS pending,
                  COUNT(*) FILTER (WHERE delivered_at IS NULL AND attempts >= $1)::int AS failing,
                  COUNT(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
                  MAX(CASE WHEN delivered_at IS NULL THEN last_error END) AS last_error
           FROM alert_outbox WHERE case_id = $2`,
          [o.failingAfterAttempts, row.id],
        ))!;
        out.push({
          ...toCaseRecord(row),
          delivery: { pending: d.pending ?? 0, failing: d.failing ?? 0, delivered: d.delivered ?? 0, lastError: d.last_error ?? undefined },
        });
      }
      return out;
    });
  }

  dueRealerts(now: Date): Promise<CaseRecord[]> { return this.outbox.dueRealerts(now); }
  addRealert(r: RealertInput): Promise<number | undefined> { return this.outbox.addRealert(r); }
  claimDue(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> { return this.outbox.claimDue(now, leaseMs, limit); }
  claimDigests(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> { return this.outbox.claimDigests(now, leaseMs, limit); }
  alertRefs(caseId: number, sink: string): Promise<string[]> { return this.outbox.alertRefs(caseId, sink); }
  markDelivered(rowId: number, ref: string | undefined, at: Date): Promise<boolean> { return this.outbox.markDelivered(rowId, ref, at); }
  markFailed(rowId: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    return this.outbox.markFailed(rowId, claimToken, errorCode, nextAttemptAt);
  }
  releaseClaims(dueAt?: Date): Promise<number> { return this.outbox.releaseClaims(dueAt); }
  outboxStats(failingAfterAttempts: number, now?: Date): Promise<{ depth: number; failing: number }> {
    return this.outbox.outboxStats(failingAfterAttempts, now);
  }

  forgetUser(userKey: string, keepAuditFields: readonly AuditField[]): Promise<number> { return this.privacy.forgetUser(userKey, keepAuditFields); }
  exportUser(userKey: string): Promise<CaseExport[]> { return this.privacy.exportUser(userKey); }
  purgeResolved(before: Date): Promise<number> { return this.privacy.purgeResolved(before); }
}

/** One case per person per community (see SqliteCaseStore.activeRow): this conversation's first, then the community's or a DM's. */
async function activeRow(sql: Sql, userKey: string, conversationKey: string, communityId: string | undefined): Promise<CaseRow | undefined> {
  return sql.one<CaseRow>(
    `SELECT * FROM cases WHERE user_key = $1 AND status <> 'resolved'
       AND (conversation_key = $2 OR $3::text IS NULL OR (conversation_json::jsonb ->> 'communityId') IS NULL
            OR (conversation_json::jsonb ->> 'communityId') = $3::text)
     ORDER BY (conversation_key = $2) DESC, id DESC LIMIT 1`,
    [userKey, conversationKey, communityId ?? null],
  );
}

async function setResources(sql: Sql, caseId: number, level: RiskLevel, at: string): Promise<void> {
  await sql.run('UPDATE cases SET resources_at = $1, resources_level = $2 WHERE id = $3', [at, level, caseId]);
}

/** The SQL for a moderator action (its last parameter is the case id), null for audit only, undefined when it does not apply. */
function actionUpdate(a: CaseAction, c: CaseRow): { sql: string; params: unknown[] } | null | undefined {
  const at = a.at.toISOString();
  switch (a.kind) {
    case 'acknowledge':
      if (c.status !== 'open') return undefined;
      return {
        sql: "UPDATE cases SET status = 'acknowledged', acknowledged_at = $1, acknowledged_by = $2, next_realert_at = NULL WHERE id = $3",
        params: [at, a.actor],
      };
    case 'resolve':
      if (c.status === 'resolved') return undefined;
      return {
        sql: `UPDATE cases SET status = 'resolved', resolved_at = $1, resolved_by = $2, outcome = $3, paused = 0,
                next_realert_at = NULL WHERE id = $4`,
        params: [at, a.actor, a.outcome ?? 'unknown'],
      };
    case 'note':
      return null;
    case 'pause':
    case 'resume': {
      const paused = a.kind === 'pause' ? 1 : 0;
      if (c.status === 'resolved' || c.paused === paused) return undefined;
      return { sql: 'UPDATE cases SET paused = $1 WHERE id = $2', params: [paused] };
    }
  }
}
