/**
 * What every part of the SQLite case store shares: one connection, its compiled statements,
 * the transaction wrapper, and the two row helpers all of them use (read a case back, append
 * an audit row). sqlite-cases.ts composes the parts; each public store method is one `tx`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CaseRecord } from '../case-store.js';
import { BotError } from '../../errors.js';
import { toCaseRecord, type CaseRow } from './case-rows.js';

/** SQLite result codes that mean "the store cannot serve right now", not "the query is wrong". */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/;

/** The connection the case store's parts share, with its statement cache (one per store). */
export class CaseDb {
  /** Compiled statements by SQL text: preparing dominates the cost of these small transactions. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: BetterSqlite3.Database) {}

  /** The compiled statement for `text`, prepared once per store. */
  sql(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `fn` in one transaction and maps "store unavailable" failures to a coded error. */
  tx<T>(fn: () => T): T {
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
