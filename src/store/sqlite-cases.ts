/**
 * CaseStore on better-sqlite3 (migrations/0002_cases.sql). Each method is one synchronous
 * db.transaction, so a case change and its outbox rows commit together or not at all; a
 * crash at any point leaves either no case or a case with all of its pending alerts.
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { riskRank, type RiskLevel } from '../messages.js';
import type { AlertPriority, AlertView } from '../ports.js';
import { BotError } from '../errors.js';
import type {
  AuditEvent, AuditField, CaseAction, CaseActionResult, CaseRecord, CaseSignal, CaseStore,
  CaseSummary, OutboxRow, RealertInput, SignalResult,
} from '../crisis/case-store.js';
import {
  parseAlert, refreshHeld, toAlertView, toCaseRecord,
  type AlertRow, type CaseRow, type DeliveryRow, type EventRow, type OutboxDbRow,
} from './case-rows.js';

type Db = BetterSqlite3.Database;

/** SQLite result codes that mean "the store cannot serve right now", not "the query is wrong". */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/;

export class SqliteCaseStore implements CaseStore {
  /** Compiled statements by SQL text: preparing dominates the cost of these small transactions. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: Db) {}

  private sql(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async recordSignal(s: CaseSignal): Promise<SignalResult> {
    return this.tx(() => {
      const at = s.at.toISOString();
      const seen = this.sql('SELECT case_id FROM case_signals WHERE platform = ? AND message_id = ?')
        .get(s.conversation.platform, s.messageId) as { case_id: number } | undefined;
      if (seen) {
        return { caseRecord: this.mustGet(seen.case_id), created: false, escalated: false, duplicate: true, alertIds: [] };
      }
      const active = this.activeRow(s.userKey, s.conversationKey);
      let caseId: number;
      let created = false;
      let escalated = false;
      if (!active) {
        caseId = Number(this.sql(
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
        this.audit(caseId, 'opened', 'system', at, undefined, s.policyVersion, { level: s.level, reasons: s.reasons });
      } else if (riskRank(s.level) > riskRank(active.level)) {
        caseId = active.id;
        escalated = true;
        // A higher level needs a fresh acknowledgement: the case goes back to 'open' and re-alerts
        // resume at the new level's target (fail toward safety; the audit log keeps the earlier ack).
        // The excerpt and the message link move together to the message that raised the level.
        this.sql(
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
        this.audit(caseId, 'escalated', 'system', at, undefined, s.policyVersion, {
          from: active.level, to: s.level, reasons: s.reasons,
        });
      } else {
        caseId = active.id;
        this.sql(
          'UPDATE cases SET last_seen_at = MAX(last_seen_at, ?), country = COALESCE(country, ?) WHERE id = ?',
        ).run(at, s.country ?? null, caseId);
      }
      if (s.resourcesSent.length > 0) this.setResources(caseId, s.level, at);
      this.sql('INSERT INTO case_signals (platform, message_id, case_id, level, at) VALUES (?, ?, ?, ?, ?)')
        .run(s.conversation.platform, s.messageId, caseId, s.level, at);
      const caseRecord = this.mustGet(caseId);
      const alertIds: number[] = [];
      // A level that does not wait for a digest releases this case's held alerts first, so the
      // moderators get the case's first alert before (and with) the louder one.
      if (escalated && s.digestAt === undefined) this.releaseHeld(caseId, at);
      if (created || escalated) {
        alertIds.push(this.writeAlert(caseRecord, created ? 'new' : 'escalated', s.priority, s.at, s.sinks, undefined, s.digestAt).id);
      }
      return { caseRecord, created, escalated, duplicate: false, alertIds };
    });
  }

  async activeCase(userKey: string, conversationKey: string): Promise<CaseRecord | undefined> {
    return this.tx(() => {
      const row = this.activeRow(userKey, conversationKey);
      return row ? toCaseRecord(row) : undefined;
    });
  }

  async getCase(caseId: number): Promise<CaseRecord | undefined> {
    return this.tx(() => {
      const row = this.sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow | undefined;
      return row ? toCaseRecord(row) : undefined;
    });
  }

  async markResourcesSent(caseId: number, level: RiskLevel, at: Date): Promise<void> {
    this.tx(() => this.setResources(caseId, level, at.toISOString()));
  }

  async applyAction(a: CaseAction): Promise<CaseActionResult> {
    return this.tx((): CaseActionResult => {
      const before = this.sql('SELECT * FROM cases WHERE id = ?').get(a.caseId) as CaseRow | undefined;
      if (!before) return { status: 'not_found' };
      const at = a.at.toISOString();
      const update = this.actionUpdate(a, before);
      if (update === undefined) return { status: 'invalid_state', caseRecord: toCaseRecord(before) };
      if (update !== null) this.sql(update.sql).run(...update.params, a.caseId);
      this.audit(a.caseId, a.kind, a.actor, at, a.note, before.policy_version, {
        fromStatus: before.status, ...(a.outcome ? { outcome: a.outcome } : {}),
      });
      const caseRecord = this.mustGet(a.caseId);
      const acted = { by: a.actorName, at: a.at };
      const written = caseRecord.status !== before.status ? this.writeUpdate(caseRecord, a.at, a.updateSinks, acted) : undefined;
      const latest = this.latestAlert(a.caseId);
      const alertRow = written
        ?? { id: latest?.id ?? 0, case_id: a.caseId, kind: 'update' as const, level: caseRecord.level, priority: latest?.priority ?? 'normal', created_at: at };
      return { status: 'ok', caseRecord, alert: toAlertView(caseRecord, alertRow, acted) };
    });
  }

  async markUnreachable(
    caseId: number, at: Date, sinks: string[], policyVersion?: string,
  ): Promise<{ changed: boolean; alertId: number | undefined }> {
    return this.tx(() => {
      const before = this.sql('SELECT reached_privately, policy_version FROM cases WHERE id = ?').get(caseId) as
        Pick<CaseRow, 'reached_privately' | 'policy_version'> | undefined;
      if (!before) return { changed: false, alertId: undefined };
      this.audit(caseId, 'dm_refused', 'bot', at.toISOString(),
        'the private message with resources was refused; minimal resources were posted in place',
        policyVersion ?? before.policy_version, {});
      if (before.reached_privately === 0) return { changed: false, alertId: undefined };
      this.sql('UPDATE cases SET reached_privately = 0 WHERE id = ?').run(caseId);
      return { changed: true, alertId: this.writeUpdate(this.mustGet(caseId), at, sinks)?.id };
    });
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    this.tx(() => {
      const exists = e.caseId !== undefined && this.sql('SELECT 1 FROM cases WHERE id = ?').get(e.caseId);
      const detail = exists || e.caseId === undefined ? e.detail : { ...e.detail, requestedCaseId: e.caseId };
      this.audit(exists ? e.caseId! : null, e.action, e.actor, e.at?.toISOString(), e.note, e.policyVersion, detail);
    });
  }

  async auditLog(caseId: number): Promise<AuditEvent[]> {
    return this.tx(() =>
      (this.sql('SELECT * FROM case_events WHERE case_id = ? ORDER BY id').all(caseId) as EventRow[]).map(toEvent),
    );
  }

  /** Every audit row, including refused attempts on unknown case ids (for operators and tests). */
  async allAuditEvents(): Promise<AuditEvent[]> {
    return this.tx(() => (this.sql('SELECT * FROM case_events ORDER BY id').all() as EventRow[]).map(toEvent));
  }

  async listCases(o: { activeOnly: boolean; failingAfterAttempts: number; limit?: number }): Promise<CaseSummary[]> {
    return this.tx(() => {
      const rows = this.sql(
        `SELECT * FROM cases ${o.activeOnly ? "WHERE status <> 'resolved'" : ''} ORDER BY id DESC LIMIT ?`,
      ).all(o.limit ?? 200) as CaseRow[];
      const delivery = this.sql(
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

  async dueRealerts(now: Date): Promise<CaseRecord[]> {
    return this.tx(() =>
      (this.sql(
        "SELECT * FROM cases WHERE status = 'open' AND next_realert_at IS NOT NULL AND next_realert_at <= ? ORDER BY next_realert_at",
      ).all(now.toISOString()) as CaseRow[]).map(toCaseRecord),
    );
  }

  async addRealert(r: RealertInput): Promise<number | undefined> {
    return this.tx(() => {
      const changed = this.sql(
        "UPDATE cases SET next_realert_at = ? WHERE id = ? AND status = 'open' AND next_realert_at = ?",
      ).run(r.nextRealertAt.toISOString(), r.caseId, r.expectedDue.toISOString()).changes;
      if (changed !== 1) return undefined;
      const caseRecord = this.mustGet(r.caseId);
      const alert = this.writeAlert(caseRecord, 'realert', r.priority, r.at, r.sinks);
      this.audit(r.caseId, 'realert', 'system', r.at.toISOString(), undefined, caseRecord.policyVersion, { alertId: alert.id });
      return alert.id;
    });
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.tx(() => {
      const nowIso = now.toISOString();
      // Oldest alert first, so a moderator channel reads in the order things happened.
      const rows = this.sql(
        `SELECT id, alert_id, case_id, sink, payload_json, attempts FROM alert_outbox
         WHERE delivered_at IS NULL AND digest_at IS NULL AND next_attempt_at <= ?
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY id LIMIT ?`,
      ).all(nowIso, nowIso, limit) as OutboxDbRow[];
      return this.claim(rows, now, leaseMs);
    });
  }

  async claimDigests(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.tx(() => {
      const nowIso = now.toISOString();
      const rows = this.sql(
        `SELECT id, alert_id, case_id, sink, payload_json, attempts FROM alert_outbox
         WHERE delivered_at IS NULL AND digest_at IS NOT NULL AND next_attempt_at <= ?
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY sink, id LIMIT ?`,
      ).all(nowIso, nowIso, limit) as OutboxDbRow[];
      return this.claim(rows, now, leaseMs);
    });
  }

  async markDelivered(rowId: number, ref: string | undefined, at: Date): Promise<boolean> {
    return this.tx(() => this.sql(
      `UPDATE alert_outbox SET delivered_at = ?, ref = ?, claim_token = NULL, claimed_until = NULL
       WHERE id = ? AND delivered_at IS NULL`,
    ).run(at.toISOString(), ref ?? null, rowId).changes === 1);
  }

  async markFailed(rowId: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    this.tx(() => this.sql(
      `UPDATE alert_outbox SET last_error = ?, next_attempt_at = ?, claim_token = NULL, claimed_until = NULL
       WHERE id = ? AND claim_token = ? AND delivered_at IS NULL`,
    ).run(errorCode, nextAttemptAt.toISOString(), rowId, claimToken));
  }

  async releaseClaims(dueAt?: Date): Promise<number> {
    return this.tx(() => {
      const released = this.sql(
        'UPDATE alert_outbox SET claim_token = NULL, claimed_until = NULL WHERE claim_token IS NOT NULL AND delivered_at IS NULL',
      ).run().changes;
      if (dueAt !== undefined) {
        const at = dueAt.toISOString();
        // Rows waiting for a digest that is not due yet keep waiting: that is a schedule, not a backoff.
        this.sql(
          `UPDATE alert_outbox SET next_attempt_at = ?
           WHERE delivered_at IS NULL AND next_attempt_at > ? AND (digest_at IS NULL OR digest_at <= ?)`,
        ).run(at, at, at);
      }
      return released;
    });
  }

  async outboxStats(failingAfterAttempts: number, now?: Date): Promise<{ depth: number; failing: number }> {
    return this.tx(() => {
      const at = now?.toISOString() ?? null;
      const row = this.sql(
        `SELECT COUNT(*) AS depth, COALESCE(SUM(attempts >= ?), 0) AS failing FROM alert_outbox
         WHERE delivered_at IS NULL
           AND NOT (? IS NOT NULL AND digest_at IS NOT NULL AND attempts = 0 AND next_attempt_at > ?)`,
      ).get(failingAfterAttempts, at, at) as { depth: number; failing: number };
      return { depth: row.depth, failing: row.failing };
    });
  }

  async forgetUser(userKey: string, keepAuditFields: readonly AuditField[]): Promise<number> {
    return this.tx(() => {
      const ids = (this.sql('SELECT id FROM cases WHERE user_key = ?').all(userKey) as Array<{ id: number }>)
        .map((r) => r.id);
      const erase = (field: AuditField) => (keepAuditFields.includes(field) ? field : 'NULL');
      for (const id of ids) {
        // The key becomes unique per case, so the one-active-case index can never collide.
        this.sql(
          "UPDATE cases SET user_key = 'forgotten:' || id, user_id = '', user_display_name = '', excerpt = '', message_id = NULL WHERE id = ?",
        ).run(id);
        this.sql('DELETE FROM case_signals WHERE case_id = ?').run(id);
        this.sql(
          `UPDATE case_events SET action = COALESCE(${erase('action')}, 'erased'), actor = ${erase('actor')},
             at = ${erase('at')}, note = ${erase('note')}, policy_version = ${erase('policy_version')}, detail_json = NULL
           WHERE case_id = ?`,
        ).run(id);
        this.scrubPayloads(id);
        this.audit(id, 'forgotten', 'system', undefined, undefined, undefined, {});
      }
      return ids.length;
    });
  }

  async purgeResolved(before: Date): Promise<number> {
    return this.tx(() => this.sql(
      `DELETE FROM cases WHERE status = 'resolved' AND resolved_at < ?
         AND NOT EXISTS (SELECT 1 FROM alert_outbox o WHERE o.case_id = cases.id AND o.delivered_at IS NULL)`,
    ).run(before.toISOString()).changes);
  }

  // ── helpers (all run inside a caller's transaction) ──

  /** Runs `fn` in one transaction and maps "store unavailable" failures to a coded error. */
  private tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && UNAVAILABLE.test(code)) {
        throw new BotError('case store unavailable', 'STORE_UNAVAILABLE', { cause: error, context: { sqlite: code } });
      }
      throw error;
    }
  }

  private activeRow(userKey: string, conversationKey: string): CaseRow | undefined {
    return this.sql(
      "SELECT * FROM cases WHERE user_key = ? AND conversation_key = ? AND status <> 'resolved'",
    ).get(userKey, conversationKey) as CaseRow | undefined;
  }

  private mustGet(caseId: number): CaseRecord {
    return toCaseRecord(this.sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow);
  }

  private latestAlert(caseId: number): AlertRow | undefined {
    return this.sql("SELECT * FROM alerts WHERE case_id = ? AND kind <> 'update' ORDER BY id DESC LIMIT 1")
      .get(caseId) as AlertRow | undefined;
  }

  /** Claims selected rows for `leaseMs` and counts the attempt. */
  private claim(rows: OutboxDbRow[], now: Date, leaseMs: number): OutboxRow[] {
    const nowIso = now.toISOString();
    const claim = this.sql(
      'UPDATE alert_outbox SET claim_token = ?, claimed_until = ?, attempts = attempts + 1, last_attempt_at = ? WHERE id = ?',
    );
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return rows.map((row) => {
      const claimToken = randomUUID();
      claim.run(claimToken, until, nowIso, row.id);
      return {
        id: row.id, alertId: row.alert_id, caseId: row.case_id, sink: row.sink,
        alert: parseAlert(row.payload_json), attempts: row.attempts + 1, claimToken,
      };
    });
  }

  /**
   * After a status or reachability change: a sink whose alert for this case still waits for a
   * digest (never attempted, not claimed) gets that alert corrected in place, since nobody has
   * seen it; every other listed sink gets an 'update' alert. Undefined when no update was written.
   */
  private writeUpdate(c: CaseRecord, at: Date, sinks: string[], acted?: { by: string; at: Date }): AlertRow | undefined {
    const held = this.sql(
      `SELECT id, sink, payload_json FROM alert_outbox
       WHERE case_id = ? AND digest_at IS NOT NULL AND delivered_at IS NULL AND claim_token IS NULL AND attempts = 0`,
    ).all(c.id) as Array<{ id: number; sink: string; payload_json: string }>;
    const patch = this.sql('UPDATE alert_outbox SET payload_json = ? WHERE id = ?');
    for (const row of held) patch.run(JSON.stringify(refreshHeld(parseAlert(row.payload_json), c, acted)), row.id);
    const heldSinks = new Set(held.map((r) => r.sink));
    const targets = sinks.filter((s) => !heldSinks.has(s));
    if (targets.length === 0) return undefined;
    return this.writeAlert(c, 'update', this.latestAlert(c.id)?.priority ?? 'normal', at, targets, acted);
  }

  /** Sends this case's held (unclaimed) alerts at `at` instead of with the digest. */
  private releaseHeld(caseId: number, at: string): void {
    this.sql(
      `UPDATE alert_outbox SET digest_at = NULL, next_attempt_at = ?
       WHERE case_id = ? AND digest_at IS NOT NULL AND delivered_at IS NULL AND claim_token IS NULL`,
    ).run(at, caseId);
  }

  private setResources(caseId: number, level: RiskLevel, at: string): void {
    this.sql('UPDATE cases SET resources_at = ?, resources_level = ? WHERE id = ?').run(at, level, caseId);
  }

  /** One alert row plus one outbox row per sink, each carrying the same snapshot payload; held until `digestAt` when given. */
  private writeAlert(
    c: CaseRecord, kind: AlertView['kind'], priority: AlertPriority, at: Date, sinks: string[],
    acted?: { by: string; at: Date }, digestAt?: Date,
  ): AlertRow {
    const createdAt = at.toISOString();
    const id = Number(this.sql(
      'INSERT INTO alerts (case_id, kind, level, priority, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(c.id, kind, c.level, priority, createdAt).lastInsertRowid);
    const row: AlertRow = { id, case_id: c.id, kind, level: c.level, priority, created_at: createdAt };
    const payload = JSON.stringify(toAlertView(c, row, acted));
    const insert = this.sql(
      `INSERT INTO alert_outbox (alert_id, case_id, sink, payload_json, next_attempt_at, created_at, digest_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const held = digestAt?.toISOString() ?? null;
    for (const sink of new Set(sinks)) insert.run(id, c.id, sink, payload, held ?? createdAt, createdAt, held);
    return row;
  }

  private audit(
    caseId: number | null, action: string, actor: string | undefined, at: string | undefined,
    note: string | undefined, policyVersion: string | undefined, detail: Record<string, unknown>,
  ): void {
    this.sql(
      'INSERT INTO case_events (case_id, action, actor, at, note, policy_version, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(caseId, action, actor ?? null, at ?? null, note ?? null, policyVersion ?? null, JSON.stringify(detail));
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

  /** Removes the user's name and excerpt from stored payloads; undelivered rows keep the user id so the alert stays actionable. */
  private scrubPayloads(caseId: number): void {
    const rows = this.sql('SELECT id, payload_json, delivered_at FROM alert_outbox WHERE case_id = ?')
      .all(caseId) as Array<{ id: number; payload_json: string; delivered_at: string | null }>;
    const update = this.sql('UPDATE alert_outbox SET payload_json = ? WHERE id = ?');
    for (const row of rows) {
      const alert = parseAlert(row.payload_json);
      const scrubbed: AlertView = {
        ...alert,
        excerpt: '',
        user: { id: row.delivered_at === null ? alert.user.id : '', displayName: '' },
      };
      // The link leads to the user's own words: it goes with the excerpt.
      delete scrubbed.messageId;
      update.run(JSON.stringify(scrubbed), row.id);
    }
  }
}

function toEvent(row: EventRow): AuditEvent {
  return {
    caseId: row.case_id ?? undefined,
    action: row.action,
    actor: row.actor ?? undefined,
    at: row.at === null ? undefined : new Date(row.at),
    note: row.note ?? undefined,
    policyVersion: row.policy_version ?? undefined,
    detail: row.detail_json === null ? {} : (JSON.parse(row.detail_json) as Record<string, unknown>),
  };
}

/** Factory for the composition root: the lead's database.ts opens and migrates the file. */
export function createSqliteCaseStore(db: Db): SqliteCaseStore {
  return new SqliteCaseStore(db);
}
