/**
 * What every part of the SQLite case store shares: one connection, its compiled statements,
 * the transaction wrapper, and the two row helpers all of them use (read a case back, append
 * an audit row). sqlite-cases.ts composes the parts; each public store method is one `tx`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CaseRecord } from '../case-store.js';
import { toCaseRecord, type CaseRow } from './case-rows.js';
import { healthOf, type StoreHealth } from './store-health.js';

/** The connection the case store's parts share, with its statement cache (one per store). */
export class CaseDb {
  /** Compiled statements by SQL text: preparing dominates the cost of these small transactions. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private readonly health: StoreHealth;

  /**
   * One transaction wrapper that runs whatever it is given: better-sqlite3 builds four wrapped
   * functions and their properties for every db.transaction(), which cost more than the short
   * reads most calls here are (two of them on every message).
   */
  private readonly inTransaction: <T>(fn: () => T) => T;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.health = healthOf(db);
    this.inTransaction = db.transaction(<T>(fn: () => T): T => fn()) as <T>(fn: () => T) => T;
  }

  /** The compiled statement for `text`, prepared once per store. */
  sql(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` in one transaction, off the event loop's critical path when the file is locked
   * (store-health.ts), and maps "store unavailable" failures to a coded error.
   */
  tx<T>(fn: () => T): Promise<T> {
    return this.health.run(() => this.inTransaction(fn));
  }

  // ── helpers (all run inside a caller's transaction) ──

  /** The case with `caseId`, which the caller knows exists. */
  mustGet(caseId: number): CaseRecord {
    return toCaseRecord(this.sql('SELECT * FROM cases WHERE id = ?').get(caseId) as CaseRow);
  }

  /** Appends one case_events row. */
  audit(
    caseId: number | null, action: string, actor: string | undefined, at: string | undefined,
    note: string | undefined, policyVersion: string | undefined, detail: Record<string, unknown>,
  ): void {
    this.sql(
      'INSERT INTO case_events (case_id, action, actor, at, note, policy_version, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(caseId, action, actor ?? null, at ?? null, note ?? null, policyVersion ?? null, JSON.stringify(detail));
  }
}
