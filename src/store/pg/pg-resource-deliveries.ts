/**
 * ResourceDeliveryStore on PostgreSQL, transaction for transaction what SqliteResourceDeliveries
 * does. Claims lock the chosen rows FOR UPDATE SKIP LOCKED and stamp a lease, so two instances
 * never send one person's resources twice at once, and a row whose sender died goes out again
 * once the lease is past.
 */
import type { RiskLevel } from '../../messages.js';
import { riskRank } from '../../messages.js';
import type {
  ClaimedDelivery, DeliveredResult, NewResourceDelivery, ResourceDelivery, ResourceDeliveryStore,
} from '../resource-deliveries.js';
import { PENDING, toDelivery, type DeliveryRow as SharedRow } from '../delivery-rows.js';
import { PgAlertOutbox, appendAuditRow, mustGetCase } from './pg-case-outbox.js';
import type { PgDb } from './pg-db.js';

/** The PostgreSQL row adds the claim columns its SQL reads (SQLite claims differently). */
interface DeliveryRow extends SharedRow {
  claim_token: string | null;
}

export class PgResourceDeliveries implements ResourceDeliveryStore {
  private readonly outbox: PgAlertOutbox;

  constructor(private readonly db: PgDb) {
    this.outbox = new PgAlertOutbox(db);
  }

  async enqueue(d: NewResourceDelivery): Promise<{ id: number; superseded: number }> {
    return this.db.tx(async (sql) => {
      const at = d.at.toISOString();
      const conversation = JSON.stringify(d.conversation);
      const superseded = await sql.run(
        `UPDATE resource_deliveries SET superseded_at = $1
         WHERE user_key = $2 AND conversation_json = $3 AND ${PENDING} AND claim_token IS NULL`,
        [at, d.userKey, conversation],
      );
      const { id } = (await sql.one<{ id: number }>(
        `INSERT INTO resource_deliveries (case_id, user_key, conversation_json, place, level, country, locale, about,
           resource_ids_json, reply_to_id, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
        [d.caseId ?? null, d.userKey, conversation, d.place, d.level, d.country ?? null, d.locale, d.about,
          JSON.stringify(d.resourceIds), d.replyToId ?? null, at],
      ))!;
      return { id, superseded };
    });
  }

  async claim(id: number, now: Date, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    return (await this.claimWhere('id = $4', [id], now, leaseMs, 1))[0];
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    // Resources for a case a moderator closed are no longer the bot's to push.
    await this.db.sql.run(
      `UPDATE resource_deliveries SET superseded_at = $1
       WHERE ${PENDING} AND claim_token IS NULL AND case_id IN (SELECT id FROM cases WHERE status = 'resolved')`,
      [now.toISOString()],
    );
    return this.claimWhere('next_attempt_at <= $1', [], now, leaseMs, limit);
  }

  async claimForUser(userKey: string, now: Date, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.claimWhere(
      "user_key = $4 AND (case_id IS NULL OR case_id NOT IN (SELECT id FROM cases WHERE status = 'resolved'))",
      [userKey], now, leaseMs, 1_000,
    );
  }

  async markDelivered(id: number, claimToken: string, ref: string | undefined, at: Date, sinks: string[]): Promise<DeliveredResult> {
    return this.db.tx(async (sql): Promise<DeliveredResult> => {
      const atIso = at.toISOString();
      const row = await sql.one<DeliveryRow>(
        `UPDATE resource_deliveries SET delivered_at = $1, ref = $2, claim_token = NULL, claimed_until = NULL, last_error = NULL
         WHERE id = $3 AND claim_token = $4 AND delivered_at IS NULL RETURNING *`,
        [atIso, ref ?? null, id, claimToken],
      );
      if (!row) return { marked: false, alertId: undefined };
      if (row.case_id === null) return { marked: true, alertId: undefined };
      const c = await sql.one<{ level: RiskLevel; resources_level: RiskLevel | null }>(
        'SELECT level, resources_level FROM cases WHERE id = $1 FOR UPDATE', [row.case_id],
      );
      if (!c) return { marked: true, alertId: undefined };
      const level = c.resources_level !== null && riskRank(c.resources_level) > riskRank(row.level) ? c.resources_level : row.level;
      await sql.run(
        `UPDATE cases SET resources_sent_json = $1, resources_at = $2, resources_level = $3,
           reached_privately = CASE WHEN $4 = 'private' THEN reached_privately ELSE 0 END,
           country = COALESCE($5, country)
         WHERE id = $6`,
        [row.resource_ids_json, atIso, level, row.place, row.country, row.case_id],
      );
      const caseRecord = await mustGetCase(sql, row.case_id);
      await appendAuditRow(sql, row.case_id, 'resources_delivered', 'bot', atIso, undefined, caseRecord.policyVersion, {
        deliveryId: id, resources: JSON.parse(row.resource_ids_json) as string[], place: row.place, attempts: row.attempts,
      });
      return { marked: true, alertId: (await this.outbox.writeReachUpdate(sql, caseRecord, at, sinks))?.id };
    });
  }

  async markRefused(id: number, claimToken: string, errorCode: string, at: Date): Promise<void> {
    await this.db.sql.run(
      `UPDATE resource_deliveries SET last_error = $1, superseded_at = $2, claim_token = NULL, claimed_until = NULL
       WHERE id = $3 AND claim_token = $4 AND delivered_at IS NULL`,
      [errorCode, at.toISOString(), id, claimToken],
    );
  }

  async markFailed(id: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    await this.db.sql.run(
      `UPDATE resource_deliveries SET last_error = $1, next_attempt_at = $2, claim_token = NULL, claimed_until = NULL
       WHERE id = $3 AND claim_token = $4 AND delivered_at IS NULL`,
      [errorCode, nextAttemptAt.toISOString(), id, claimToken],
    );
  }

  /** Only expired claims are released: another live instance may be sending the others (see PgAlertOutbox.releaseClaims). */
  async releaseClaims(dueAt: Date): Promise<number> {
    return this.db.tx(async (sql) => {
      const at = dueAt.toISOString();
      const released = await sql.run(
        `UPDATE resource_deliveries SET claim_token = NULL, claimed_until = NULL
         WHERE claim_token IS NOT NULL AND ${PENDING} AND claimed_until <= $1`,
        [new Date().toISOString()],
      );
      await sql.run(`UPDATE resource_deliveries SET next_attempt_at = $1 WHERE ${PENDING} AND next_attempt_at > $1`, [at]);
      return released;
    });
  }

  async forUser(userKey: string): Promise<ResourceDelivery[]> {
    return (await this.db.sql.rows<DeliveryRow>('SELECT * FROM resource_deliveries WHERE user_key = $1 ORDER BY id', [userKey])).map(toDelivery);
  }

  async pendingCount(): Promise<number> {
    return (await this.db.sql.one<{ n: number }>(`SELECT COUNT(*)::int AS n FROM resource_deliveries WHERE ${PENDING}`))?.n ?? 0;
  }

  /**
   * Claims pending rows matching `where` ($1 is now, $2 the lease end, $3 the limit, $4… `params`) for the lease
   * and counts the attempt, in one statement. `where` is fixed text from this file.
   */
  private async claimWhere(where: string, params: unknown[], now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const nowIso = now.toISOString();
    const rows = await this.db.sql.rows<DeliveryRow>(
      `WITH picked AS (
         SELECT id FROM resource_deliveries
         WHERE ${PENDING} AND (claimed_until IS NULL OR claimed_until <= $1) AND ${where}
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE resource_deliveries r SET claim_token = gen_random_uuid()::text, claimed_until = $2,
         attempts = r.attempts + 1, last_attempt_at = $1
       FROM picked WHERE r.id = picked.id RETURNING r.*`,
      [nowIso, new Date(now.getTime() + leaseMs).toISOString(), limit, ...params],
    );
    return rows.sort((a, b) => a.id - b.id).map((r) => ({ ...toDelivery(r), claimToken: r.claim_token! }));
  }
}
