/**
 * The alert outbox on PostgreSQL: writing alerts (inside the caller's transaction, so a case
 * never exists without its alert), re-alerts, and the delivery queue. Claims take rows with
 * FOR UPDATE SKIP LOCKED and stamp a lease, so N outbox workers on N instances never send one
 * row twice at once, and a row whose worker died is taken again once its lease is past.
 */
import type { CaseRecord, OutboxRow, RealertInput } from '../case-store.js';
import type { AlertPriority, AlertView } from '../../ports.js';
import { parseAlert, refreshHeld, toAlertView, toCaseRecord, type AlertRow, type CaseRow, type OutboxDbRow } from '../sqlite/case-rows.js';
import type { PgDb, Sql } from './pg-db.js';

/** The one case (the caller knows it exists). */
export async function mustGetCase(sql: Sql, caseId: number): Promise<CaseRecord> {
  return toCaseRecord((await sql.one<CaseRow>('SELECT * FROM cases WHERE id = $1', [caseId]))!);
}

/** Appends one case_events row. */
export async function appendAuditRow(
  sql: Sql, caseId: number | null, action: string, actor: string | undefined, at: string | undefined,
  note: string | undefined, policyVersion: string | undefined, detail: Record<string, unknown>,
): Promise<void> {
  await sql.run(
    'INSERT INTO case_events (case_id, action, actor, at, note, policy_version, detail_json) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [caseId, action, actor ?? null, at ?? null, note ?? null, policyVersion ?? null, JSON.stringify(detail)],
  );
}

const CLAIM = `UPDATE alert_outbox o SET claim_token = gen_random_uuid()::text, claimed_until = $3,
    attempts = o.attempts + 1, last_attempt_at = $1
  FROM picked WHERE o.id = picked.id
  RETURNING o.id, o.alert_id, o.case_id, o.sink, o.payload_json, o.attempts, o.claim_token`;

type ClaimedRow = OutboxDbRow & { claim_token: string };

export class PgAlertOutbox {
  constructor(private readonly db: PgDb) {}

  async dueRealerts(now: Date): Promise<CaseRecord[]> {
    return (await this.db.sql.rows<CaseRow>(
      "SELECT * FROM cases WHERE status = 'open' AND next_realert_at IS NOT NULL AND next_realert_at <= $1 ORDER BY next_realert_at",
      [now.toISOString()],
    )).map(toCaseRecord);
  }

  async addRealert(r: RealertInput): Promise<number | undefined> {
    return this.db.tx(async (sql) => {
      const sent = Number((await sql.one<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM case_events WHERE case_id = $1 AND action = 'realert'", [r.caseId],
      ))!.n);
      // See SqliteAlertOutbox.addRealert: the last allowed re-alert clears the schedule.
      const last = r.maxRealerts !== undefined && sent + 1 >= r.maxRealerts;
      if (r.maxRealerts !== undefined && sent >= r.maxRealerts) {
        await sql.run('UPDATE cases SET next_realert_at = NULL WHERE id = $1 AND next_realert_at = $2', [r.caseId, r.expectedDue.toISOString()]);
        return undefined;
      }
      // The row lock this UPDATE takes makes a second worker wait, then re-read next_realert_at,
      // find it moved on, and change nothing: one re-alert per due time with any number of workers.
      const changed = await sql.run(
        "UPDATE cases SET next_realert_at = $1 WHERE id = $2 AND status = 'open' AND next_realert_at = $3",
        [last ? null : r.nextRealertAt.toISOString(), r.caseId, r.expectedDue.toISOString()],
      );
      if (changed !== 1) return undefined;
      const caseRecord = await mustGetCase(sql, r.caseId);
      const alert = await this.writeAlert(sql, caseRecord, 'realert', r.priority, r.at, r.sinks, undefined, r.digestAt);
      await appendAuditRow(sql, r.caseId, 'realert', 'system', r.at.toISOString(), undefined, caseRecord.policyVersion, { alertId: alert.id });
      return alert.id;
    });
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db.sql.rows<ClaimedRow>(
      `WITH picked AS (
         SELECT id FROM alert_outbox
         WHERE delivered_at IS NULL AND digest_at IS NULL AND next_attempt_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       ${CLAIM}`,
      [now.toISOString(), limit, new Date(now.getTime() + leaseMs).toISOString()],
    );
    // Oldest alert first, so a moderator channel reads in the order things happened.
    return rows.sort((a, b) => a.id - b.id).map(toOutboxRow);
  }

  async claimDigests(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db.sql.rows<ClaimedRow>(
      `WITH picked AS (
         SELECT id FROM alert_outbox
         WHERE delivered_at IS NULL AND digest_at IS NOT NULL AND next_attempt_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY sink, id LIMIT $2 FOR UPDATE SKIP LOCKED)
       ${CLAIM}`,
      [now.toISOString(), limit, new Date(now.getTime() + leaseMs).toISOString()],
    );
    return rows.sort((a, b) => (a.sink < b.sink ? -1 : a.sink > b.sink ? 1 : a.id - b.id)).map(toOutboxRow);
  }

  async alertRefs(caseId: number, sink: string): Promise<string[]> {
    const rows = await this.db.sql.rows<{ ref: string }>(
      `SELECT ref, MIN(id) AS first FROM alert_outbox
       WHERE case_id = $1 AND sink = $2 AND delivered_at IS NOT NULL AND ref IS NOT NULL AND digest_at IS NULL
       GROUP BY ref ORDER BY first`,
      [caseId, sink],
    );
    return rows.map((r) => r.ref);
  }

  async markDelivered(rowId: number, ref: string | undefined, at: Date): Promise<boolean> {
    return (await this.db.sql.run(
      `UPDATE alert_outbox SET delivered_at = $1, ref = $2, claim_token = NULL, claimed_until = NULL
       WHERE id = $3 AND delivered_at IS NULL`,
      [at.toISOString(), ref ?? null, rowId],
    )) === 1;
  }

  async markFailed(rowId: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    await this.db.sql.run(
      `UPDATE alert_outbox SET last_error = $1, next_attempt_at = $2, claim_token = NULL, claimed_until = NULL
       WHERE id = $3 AND claim_token = $4 AND delivered_at IS NULL`,
      [errorCode, nextAttemptAt.toISOString(), rowId, claimToken],
    );
  }

  /**
   * Several instances share the outbox, so a start must not take rows another live instance
   * is sending: only claims whose lease has run out are released (SQLite, one process, releases
   * all). A dead instance's rows therefore go out at most one lease after it died.
   */
  async releaseClaims(dueAt?: Date): Promise<number> {
    return this.db.tx(async (sql) => {
      const now = new Date().toISOString();
      const released = await sql.run(
        `UPDATE alert_outbox SET claim_token = NULL, claimed_until = NULL
         WHERE claim_token IS NOT NULL AND delivered_at IS NULL AND claimed_until <= $1`,
        [now],
      );
      if (dueAt !== undefined) {
        const at = dueAt.toISOString();
        await sql.run(
          `UPDATE alert_outbox SET next_attempt_at = $1
           WHERE delivered_at IS NULL AND next_attempt_at > $1 AND (digest_at IS NULL OR digest_at <= $1)`,
          [at],
        );
      }
      return released;
    });
  }

  async outboxStats(failingAfterAttempts: number, now?: Date): Promise<{ depth: number; failing: number }> {
    const row = await this.db.sql.one<{ depth: number; failing: number }>(
      `SELECT COUNT(*)::int AS depth, COUNT(*) FILTER (WHERE attempts >= $1)::int AS failing FROM alert_outbox
       WHERE delivered_at IS NULL
         AND NOT ($2::text IS NOT NULL AND digest_at IS NOT NULL AND attempts = 0 AND next_attempt_at > $2::text)`,
      [failingAfterAttempts, now?.toISOString() ?? null],
    );
    return { depth: row?.depth ?? 0, failing: row?.failing ?? 0 };
  }

  // ── helpers (inside the caller's transaction) ──

  /** The case's latest alert that is not an 'update' (its priority carries over to updates). */
  async latestAlert(sql: Sql, caseId: number): Promise<AlertRow | undefined> {
    return sql.one<AlertRow>("SELECT * FROM alerts WHERE case_id = $1 AND kind <> 'update' ORDER BY id DESC LIMIT 1", [caseId]);
  }

  /** One alert row plus one outbox row per sink, each carrying the same snapshot payload; held until `digestAt` when given. */
  async writeAlert(
    sql: Sql, c: CaseRecord, kind: AlertView['kind'], priority: AlertPriority, at: Date, sinks: string[],
    acted?: { by: string; at: Date }, digestAt?: Date, holdUntil?: Date,
  ): Promise<AlertRow> {
    const createdAt = at.toISOString();
    const { id } = (await sql.one<{ id: number }>(
      'INSERT INTO alerts (case_id, kind, level, priority, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [c.id, kind, c.level, priority, createdAt],
    ))!;
    const row: AlertRow = { id, case_id: c.id, kind, level: c.level, priority, created_at: createdAt };
    const view = toAlertView(c, row, acted);
    if (priority === 'urgent') {
      // The n-th page of a case goes to the n-th moderator on the on-call list (outbox worker).
      view.pageIndex = Number((await sql.one<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM alerts WHERE case_id = $1 AND priority = 'urgent' AND id < $2", [c.id, id],
      ))!.n);
    }
    const payload = JSON.stringify(view);
    const held = digestAt?.toISOString() ?? null;
    const due = held ?? holdUntil?.toISOString() ?? createdAt;
    for (const sink of new Set(sinks)) {
      await sql.run(
        `INSERT INTO alert_outbox (alert_id, case_id, sink, payload_json, next_attempt_at, created_at, digest_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, c.id, sink, payload, due, createdAt, held],
      );
    }
    return row;
  }

  /** See SqliteAlertOutbox.writeUpdate: held alerts are corrected in place, other sinks get an 'update'. */
  async writeUpdate(
    sql: Sql, c: CaseRecord, at: Date, sinks: string[], acted?: { by: string; at: Date }, priority?: AlertPriority,
  ): Promise<AlertRow | undefined> {
    const held = await sql.rows<{ id: number; sink: string; payload_json: string }>(
      `SELECT id, sink, payload_json FROM alert_outbox
       WHERE case_id = $1 AND digest_at IS NOT NULL AND delivered_at IS NULL AND claim_token IS NULL AND attempts = 0
       ORDER BY id`,
      [c.id],
    );
    for (const row of held) await this.patch(sql, row.id, JSON.stringify(refreshHeld(parseAlert(row.payload_json), c, acted)));
    const heldSinks = new Set(held.map((r) => r.sink));
    const targets = sinks.filter((s) => !heldSinks.has(s));
    if (targets.length === 0) return undefined;
    return this.writeAlert(sql, c, 'update', priority ?? (await this.latestAlert(sql, c.id))?.priority ?? 'normal', at, targets, acted);
  }

  /** See SqliteAlertOutbox.writeReachUpdate: unseen alerts corrected in place, sinks already told get an 'update'. */
  async writeReachUpdate(sql: Sql, c: CaseRecord, at: Date, sinks: string[]): Promise<AlertRow | undefined> {
    const unseen = await sql.rows<{ id: number; sink: string; payload_json: string }>(
      `SELECT id, sink, payload_json FROM alert_outbox
       WHERE case_id = $1 AND delivered_at IS NULL AND claim_token IS NULL AND attempts = 0 ORDER BY id`,
      [c.id],
    );
    for (const row of unseen) await this.patch(sql, row.id, JSON.stringify(refreshHeld(parseAlert(row.payload_json), c)));
    const patched = new Set(unseen.map((r) => r.sink));
    const told = new Set((await sql.rows<{ sink: string }>('SELECT DISTINCT sink FROM alert_outbox WHERE case_id = $1', [c.id])).map((r) => r.sink));
    const targets = sinks.filter((s) => told.has(s) && !patched.has(s));
    if (targets.length === 0) return undefined;
    return this.writeAlert(sql, c, 'update', 'normal', at, targets);
  }

  /** Sends this case's held (unclaimed) alerts at `at` instead of with the digest. */
  async releaseHeld(sql: Sql, caseId: number, at: string): Promise<void> {
    await sql.run(
      `UPDATE alert_outbox SET digest_at = NULL, next_attempt_at = $1
       WHERE case_id = $2 AND digest_at IS NOT NULL AND delivered_at IS NULL AND claim_token IS NULL`,
      [at, caseId],
    );
  }

  private async patch(sql: Sql, rowId: number, payload: string): Promise<void> {
    await sql.run('UPDATE alert_outbox SET payload_json = $1 WHERE id = $2', [payload, rowId]);
  }
}

function toOutboxRow(r: ClaimedRow): OutboxRow {
  // RETURNING shows the row after the UPDATE: attempts already counts this claim.
  return { id: r.id, alertId: r.alert_id, caseId: r.case_id, sink: r.sink, alert: parseAlert(r.payload_json), attempts: r.attempts, claimToken: r.claim_token };
}
