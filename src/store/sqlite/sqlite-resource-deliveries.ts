/**
 * ResourceDeliveryStore on better-sqlite3 (migrations/0004_resource_deliveries.sql). Marking a
 * delivery shares the case store's transaction helpers, so "the platform confirmed the send",
 * "the case says the resources went out" and "the moderators' alert says so" commit together.
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { RiskLevel } from '../../messages.js';
import { riskRank } from '../../messages.js';
import { CaseDb } from './case-db.js';
import { SqliteAlertOutbox } from './case-outbox.js';
import type {
  ClaimedDelivery, DeliveredResult, NewResourceDelivery, ResourceDelivery, ResourceDeliveryStore,
} from '../resource-deliveries.js';
import { PENDING, toDelivery, type DeliveryRow } from '../delivery-rows.js';

export class SqliteResourceDeliveries implements ResourceDeliveryStore {
  private readonly db: CaseDb;
  private readonly outbox: SqliteAlertOutbox;

  constructor(db: BetterSqlite3.Database) {
    this.db = new CaseDb(db);
    this.outbox = new SqliteAlertOutbox(this.db);
  }

  async enqueue(d: NewResourceDelivery): Promise<{ id: number; superseded: number }> {
    return this.db.tx(() => {
      const at = d.at.toISOString();
      const conversation = JSON.stringify(d.conversation);
      // Not claimed: a send in flight finishes (and counts) on its own.
      const superseded = this.db.sql(
        `UPDATE resource_deliveries SET superseded_at = ?
         WHERE user_key = ? AND conversation_json = ? AND ${PENDING} AND claim_token IS NULL`,
      ).run(at, d.userKey, conversation).changes;
      const id = Number(this.db.sql(
        `INSERT INTO resource_deliveries (case_id, user_key, conversation_json, place, level, country, locale, about,
           resource_ids_json, reply_to_id, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        d.caseId ?? null, d.userKey, conversation, d.place, d.level, d.country ?? null, d.locale, d.about,
        JSON.stringify(d.resourceIds), d.replyToId ?? null, at, at,
      ).lastInsertRowid);
      return { id, superseded };
    });
  }

  async claim(id: number, now: Date, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    return this.db.tx(() => {
      const nowIso = now.toISOString();
      const row = this.db.sql(
        `SELECT * FROM resource_deliveries WHERE id = ? AND ${PENDING} AND (claimed_until IS NULL OR claimed_until <= ?)`,
      ).get(id, nowIso) as DeliveryRow | undefined;
      return row ? this.claimRows([row], now, leaseMs)[0] : undefined;
    });
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    return this.db.tx(() => {
      const nowIso = now.toISOString();
      // Resources for a case a moderator closed are no longer the bot's to push.
      this.db.sql(
        `UPDATE resource_deliveries SET superseded_at = ?
         WHERE ${PENDING} AND claim_token IS NULL
           AND case_id IN (SELECT id FROM cases WHERE status = 'resolved')`,
      ).run(nowIso);
      const rows = this.db.sql(
        `SELECT * FROM resource_deliveries WHERE ${PENDING} AND next_attempt_at <= ?
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY id LIMIT ?`,
      ).all(nowIso, nowIso, limit) as DeliveryRow[];
      return this.claimRows(rows, now, leaseMs);
    });
  }

  async claimForUser(userKey: string, now: Date, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.db.tx(() => {
      const nowIso = now.toISOString();
      const rows = this.db.sql(
        `SELECT * FROM resource_deliveries WHERE user_key = ? AND ${PENDING}
           AND (claimed_until IS NULL OR claimed_until <= ?)
           AND (case_id IS NULL OR case_id NOT IN (SELECT id FROM cases WHERE status = 'resolved'))
         ORDER BY id`,
      ).all(userKey, nowIso) as DeliveryRow[];
      return this.claimRows(rows, now, leaseMs);
    });
  }

  async markDelivered(id: number, claimToken: string, ref: string | undefined, at: Date, sinks: string[]): Promise<DeliveredResult> {
    return this.db.tx((): DeliveredResult => {
      const atIso = at.toISOString();
      const changed = this.db.sql(
        `UPDATE resource_deliveries SET delivered_at = ?, ref = ?, claim_token = NULL, claimed_until = NULL, last_error = NULL
         WHERE id = ? AND claim_token = ? AND delivered_at IS NULL`,
      ).run(atIso, ref ?? null, id, claimToken).changes;
      if (changed !== 1) return { marked: false, alertId: undefined };
      const row = this.db.sql('SELECT * FROM resource_deliveries WHERE id = ?').get(id) as DeliveryRow;
      if (row.case_id === null) return { marked: true, alertId: undefined };
      const c = this.db.sql('SELECT level, resources_level FROM cases WHERE id = ?').get(row.case_id) as
        { level: RiskLevel; resources_level: RiskLevel | null } | undefined;
      if (!c) return { marked: true, alertId: undefined };
      // The resend interval counts from the highest level whose resources actually arrived.
      const level = c.resources_level !== null && riskRank(c.resources_level) > riskRank(row.level) ? c.resources_level : row.level;
      this.db.sql(
        `UPDATE cases SET resources_sent_json = ?, resources_at = ?, resources_level = ?,
           reached_privately = CASE WHEN ? = 'private' THEN reached_privately ELSE 0 END,
           country = COALESCE(?, country)
         WHERE id = ?`,
      ).run(row.resource_ids_json, atIso, level, row.place, row.country, row.case_id);
      const caseRecord = this.db.mustGet(row.case_id);
      this.db.audit(row.case_id, 'resources_delivered', 'bot', atIso, undefined, caseRecord.policyVersion, {
        deliveryId: id, resources: JSON.parse(row.resource_ids_json) as string[], place: row.place, attempts: row.attempts,
      });
      return { marked: true, alertId: this.outbox.writeReachUpdate(caseRecord, at, sinks)?.id };
    });
  }

  async markRefused(id: number, claimToken: string, errorCode: string, at: Date): Promise<void> {
    await this.db.tx(() => this.db.sql(
      `UPDATE resource_deliveries SET last_error = ?, superseded_at = ?, claim_token = NULL, claimed_until = NULL
       WHERE id = ? AND claim_token = ? AND delivered_at IS NULL`,
    ).run(errorCode, at.toISOString(), id, claimToken));
  }

  async markFailed(id: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    await this.db.tx(() => this.db.sql(
      `UPDATE resource_deliveries SET last_error = ?, next_attempt_at = ?, claim_token = NULL, claimed_until = NULL
       WHERE id = ? AND claim_token = ? AND delivered_at IS NULL`,
    ).run(errorCode, nextAttemptAt.toISOString(), id, claimToken));
  }

  async releaseClaims(dueAt: Date): Promise<number> {
    return this.db.tx(() => {
      const released = this.db.sql(
        `UPDATE resource_deliveries SET claim_token = NULL, claimed_until = NULL WHERE claim_token IS NOT NULL AND ${PENDING}`,
      ).run().changes;
      const at = dueAt.toISOString();
      this.db.sql(`UPDATE resource_deliveries SET next_attempt_at = ? WHERE ${PENDING} AND next_attempt_at > ?`).run(at, at);
      return released;
    });
  }

  async forUser(userKey: string): Promise<ResourceDelivery[]> {
    return this.db.tx(() =>
      (this.db.sql('SELECT * FROM resource_deliveries WHERE user_key = ? ORDER BY id').all(userKey) as DeliveryRow[]).map(toDelivery),
    );
  }

  async pendingCount(): Promise<number> {
    return this.db.tx(() => (this.db.sql(`SELECT COUNT(*) AS n FROM resource_deliveries WHERE ${PENDING}`).get() as { n: number }).n);
  }

  /** Claims rows for `leaseMs` and counts the attempt (inside the caller's transaction). */
  private claimRows(rows: DeliveryRow[], now: Date, leaseMs: number): ClaimedDelivery[] {
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const claim = this.db.sql(
      'UPDATE resource_deliveries SET claim_token = ?, claimed_until = ?, attempts = attempts + 1, last_attempt_at = ? WHERE id = ?',
    );
    return rows.map((row) => {
      const claimToken = randomUUID();
      claim.run(claimToken, until, nowIso, row.id);
      return { ...toDelivery(row), attempts: row.attempts + 1, claimToken };
    });
  }
}
