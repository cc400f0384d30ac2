/**
 * The alert outbox of the SQLite case store: writing alerts (one alerts row plus one
 * alert_outbox row per sink, inside the caller's transaction, so a case never exists without
 * its alert), re-alerts, and the delivery queue a worker claims from and marks delivered.
 */
import { randomUUID } from 'node:crypto';
import type { CaseRecord, OutboxRow, RealertInput } from '../case-store.js';
import type { AlertPriority, AlertView } from '../../ports.js';
import type { CaseDb } from './case-db.js';
import { parseAlert, refreshHeld, toAlertView, toCaseRecord, type AlertRow, type CaseRow, type OutboxDbRow } from './case-rows.js';

/** Outbox methods of SqliteCaseStore; the public ones are one transaction each. */
export class SqliteAlertOutbox {
  constructor(private readonly db: CaseDb) {}

  async dueRealerts(now: Date): Promise<CaseRecord[]> {
    return this.db.tx(() =>
      (this.db.sql(
        "SELECT * FROM cases WHERE status = 'open' AND next_realert_at IS NOT NULL AND next_realert_at <= ? ORDER BY next_realert_at",
      ).all(now.toISOString()) as CaseRow[]).map(toCaseRecord),
    );
  }

  async addRealert(r: RealertInput): Promise<number | undefined> {
    return this.db.tx(() => {
      const sent = (this.db.sql("SELECT COUNT(*) AS n FROM case_events WHERE case_id = ? AND action = 'realert'")
        .get(r.caseId) as { n: number }).n;
      // The last allowed re-alert clears the schedule: no more noise, the case stays in `case list`.
      const last = r.maxRealerts !== undefined && sent + 1 >= r.maxRealerts;
      if (r.maxRealerts !== undefined && sent >= r.maxRealerts) {
        this.db.sql("UPDATE cases SET next_realert_at = NULL WHERE id = ? AND next_realert_at = ?").run(r.caseId, r.expectedDue.toISOString());
        return undefined;
      }
      const changed = this.db.sql(
        "UPDATE cases SET next_realert_at = ? WHERE id = ? AND status = 'open' AND next_realert_at = ?",
      ).run(last ? null : r.nextRealertAt.toISOString(), r.caseId, r.expectedDue.toISOString()).changes;
      if (changed !== 1) return undefined;
      const caseRecord = this.db.mustGet(r.caseId);
      const alert = this.writeAlert(caseRecord, 'realert', r.priority, r.at, r.sinks, undefined, r.digestAt);
      this.db.audit(r.caseId, 'realert', 'system', r.at.toISOString(), undefined, caseRecord.policyVersion, { alertId: alert.id });
      return alert.id;
    });
  }

  async claimDue(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.db.tx(() => {
      const nowIso = now.toISOString();
      // Oldest alert first, so a moderator channel reads in the order things happened.
      const rows = this.db.sql(
        `SELECT id, alert_id, case_id, sink, payload_json, attempts FROM alert_outbox
         WHERE delivered_at IS NULL AND digest_at IS NULL AND next_attempt_at <= ?
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY id LIMIT ?`,
      ).all(nowIso, nowIso, limit) as OutboxDbRow[];
      return this.claim(rows, now, leaseMs);
    });
  }

  async claimDigests(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return this.db.tx(() => {
      const nowIso = now.toISOString();
      const rows = this.db.sql(
        `SELECT id, alert_id, case_id, sink, payload_json, attempts FROM alert_outbox
         WHERE delivered_at IS NULL AND digest_at IS NOT NULL AND next_attempt_at <= ?
           AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY sink, id LIMIT ?`,
      ).all(nowIso, nowIso, limit) as OutboxDbRow[];
      return this.claim(rows, now, leaseMs);
    });
  }

  async alertRefs(caseId: number, sink: string): Promise<string[]> {
    const rows = this.db.sql(
      `SELECT ref, MIN(id) AS first FROM alert_outbox
       WHERE case_id = ? AND sink = ? AND delivered_at IS NOT NULL AND ref IS NOT NULL AND digest_at IS NULL
       GROUP BY ref ORDER BY first`,
    ).all(caseId, sink) as Array<{ ref: string }>;
    return rows.map((r) => r.ref);
  }

  async markDelivered(rowId: number, ref: string | undefined, at: Date): Promise<boolean> {
    return this.db.tx(() => this.db.sql(
      `UPDATE alert_outbox SET delivered_at = ?, ref = ?, claim_token = NULL, claimed_until = NULL
       WHERE id = ? AND delivered_at IS NULL`,
    ).run(at.toISOString(), ref ?? null, rowId).changes === 1);
  }

  async markFailed(rowId: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void> {
    await this.db.tx(() => this.db.sql(
      `UPDATE alert_outbox SET last_error = ?, next_attempt_at = ?, claim_token = NULL, claimed_until = NULL
       WHERE id = ? AND claim_token = ? AND delivered_at IS NULL`,
    ).run(errorCode, nextAttemptAt.toISOString(), rowId, claimToken));
  }

  async releaseClaims(dueAt?: Date): Promise<number> {
    return this.db.tx(() => {
      const released = this.db.sql(
        'UPDATE alert_outbox SET claim_token = NULL, claimed_until = NULL WHERE claim_token IS NOT NULL AND delivered_at IS NULL',
      ).run().changes;
      if (dueAt !== undefined) {
        const at = dueAt.toISOString();
        // Rows waiting for a digest that is not due yet keep waiting: that is a schedule, not a backoff.
        this.db.sql(
          `UPDATE alert_outbox SET next_attempt_at = ?
           WHERE delivered_at IS NULL AND next_attempt_at > ? AND (digest_at IS NULL OR digest_at <= ?)`,
        ).run(at, at, at);
      }
      return released;
    });
  }

  async outboxStats(failingAfterAttempts: number, now?: Date): Promise<{ depth: number; failing: number }> {
    return this.db.tx(() => {
      const at = now?.toISOString() ?? null;
      const row = this.db.sql(
        `SELECT COUNT(*) AS depth, COALESCE(SUM(attempts >= ?), 0) AS failing FROM alert_outbox
         WHERE delivered_at IS NULL
           AND NOT (? IS NOT NULL AND digest_at IS NOT NULL AND attempts = 0 AND next_attempt_at > ?)`,
      ).get(failingAfterAttempts, at, at) as { depth: number; failing: number };
      return { depth: row.depth, failing: row.failing };
    });
  }

  // ── helpers (all run inside a caller's transaction) ──

  /** The case's latest alert that is not an 'update' (its priority carries over to updates). */
  latestAlert(caseId: number): AlertRow | undefined {
    return this.db.sql("SELECT * FROM alerts WHERE case_id = ? AND kind <> 'update' ORDER BY id DESC LIMIT 1")
      .get(caseId) as AlertRow | undefined;
  }

  /** One alert row plus one outbox row per sink, each carrying the same snapshot payload; held until `digestAt` when given. */
  writeAlert(
    c: CaseRecord, kind: AlertView['kind'], priority: AlertPriority, at: Date, sinks: string[],
    acted?: { by: string; at: Date }, digestAt?: Date, holdUntil?: Date,
  ): AlertRow {
    const createdAt = at.toISOString();
    const id = Number(this.db.sql(
      'INSERT INTO alerts (case_id, kind, level, priority, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(c.id, kind, c.level, priority, createdAt).lastInsertRowid);
    const row: AlertRow = { id, case_id: c.id, kind, level: c.level, priority, created_at: createdAt };
    const view = toAlertView(c, row, acted);
    if (priority === 'urgent') {
      // The n-th page of a case goes to the n-th moderator on the on-call list (outbox worker).
      view.pageIndex = (this.db.sql("SELECT COUNT(*) AS n FROM alerts WHERE case_id = ? AND priority = 'urgent' AND id < ?")
        .get(c.id, id) as { n: number }).n;
    }
    const payload = JSON.stringify(view);
    const insert = this.db.sql(
      `INSERT INTO alert_outbox (alert_id, case_id, sink, payload_json, next_attempt_at, created_at, digest_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const held = digestAt?.toISOString() ?? null;
    const due = held ?? holdUntil?.toISOString() ?? createdAt;
    for (const sink of new Set(sinks)) insert.run(id, c.id, sink, payload, due, createdAt, held);
    return row;
  }

  /**
   * After a status or reachability change: a sink whose alert for this case still waits for a
   * digest (never attempted, not claimed) gets that alert corrected in place, since nobody has
   * seen it; every other listed sink gets an 'update' alert. Undefined when no update was written.
   */
  writeUpdate(
    c: CaseRecord, at: Date, sinks: string[], acted?: { by: string; at: Date }, priority?: AlertPriority,
  ): AlertRow | undefined {
    const held = this.db.sql(
      `SELECT id, sink, payload_json FROM alert_outbox
       WHERE case_id = ? AND digest_at IS NOT NULL AND delivered_at IS NULL AND claim_token IS NULL AND attempts = 0`,
    ).all(c.id) as Array<{ id: number; sink: string; payload_json: string }>;
    const patch = this.db.sql('UPDATE alert_outbox SET payload_json = ? WHERE id = ?');
    for (const row of held) patch.run(JSON.stringify(refreshHeld(parseAlert(row.payload_json), c, acted)), row.id);
    const heldSinks = new Set(held.map((r) => r.sink));
    const targets = sinks.filter((s) => !heldSinks.has(s));
    if (targets.length === 0) return undefined;
    return this.writeAlert(c, 'update', priority ?? this.latestAlert(c.id)?.priority ?? 'normal', at, targets, acted);
  }

  /**
   * After the person's resources were confirmed delivered (or anything else an alert shows about
   * what reached them changed): every alert of this case that no sink has seen yet (never
   * attempted, not claimed) is corrected in place; a sink that has already been sent this case
   * and has no such alert waiting gets an 'update' alert at normal priority. Undefined when no
   * update was written.
   */
  writeReachUpdate(c: CaseRecord, at: Date, sinks: string[]): AlertRow | undefined {
    const unseen = this.db.sql(
      `SELECT id, sink, payload_json FROM alert_outbox
       WHERE case_id = ? AND delivered_at IS NULL AND claim_token IS NULL AND attempts = 0`,
    ).all(c.id) as Array<{ id: number; sink: string; payload_json: string }>;
    const patch = this.db.sql('UPDATE alert_outbox SET payload_json = ? WHERE id = ?');
    for (const row of unseen) patch.run(JSON.stringify(refreshHeld(parseAlert(row.payload_json), c)), row.id);
    const patched = new Set(unseen.map((r) => r.sink));
    const told = new Set((this.db.sql('SELECT DISTINCT sink FROM alert_outbox WHERE case_id = ?').all(c.id) as Array<{ sink: string }>)
      .map((r) => r.sink));
    const targets = sinks.filter((s) => told.has(s) && !patched.has(s));
    if (targets.length === 0) return undefined;
    return this.writeAlert(c, 'update', 'normal', at, targets);
  }

  /** Sends this case's held (unclaimed) alerts at `at` instead of with the digest. */
  releaseHeld(caseId: number, at: string): void {
    this.db.sql(
      `UPDATE alert_outbox SET digest_at = NULL, next_attempt_at = ?
       WHERE case_id = ? AND digest_at IS NOT NULL AND delivered_at IS NULL AND claim_token IS NULL`,
    ).run(at, caseId);
  }

  /** Claims selected rows for `leaseMs` and counts the attempt. */
  private claim(rows: OutboxDbRow[], now: Date, leaseMs: number): OutboxRow[] {
    const nowIso = now.toISOString();
    const claim = this.db.sql(
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
}
