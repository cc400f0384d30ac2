/**
 * Moving up from SQLite: copies every row of an oyster-bot SQLite database into an empty
 * PostgreSQL database of the same schema, in one transaction, keeping ids (so alert ids that
 * sinks dedupe on, and case numbers moderators know, stay the same). It refuses a target that
 * holds any row, and verifies each table's row count before committing: a copy that does not
 * add up is rolled back whole.
 */
import { BotError } from '../../errors.js';
import type { PgDb, Sql } from './pg-db.js';

/** Parents before children (foreign keys), and every table the bot writes. */
export const COPY_ORDER = [
  'processed_messages', 'turns', 'risk_state', 'preferences',
  'cases', 'case_signals', 'case_events', 'alerts', 'alert_outbox', 'resource_deliveries',
  'dashboard_links', 'dashboard_sessions', 'rate_buckets', 'direct_reach',
] as const;

/** Tables whose `id` is an identity: its sequence continues after the highest copied id. */
const IDENTITY_TABLES = ['turns', 'cases', 'case_events', 'alerts', 'alert_outbox', 'resource_deliveries'];

/** What the copy reads: the source database's tables, in their insertion (rowid) order. */
export interface RowSource {
  /** Columns of `table` in the source, or undefined when the source lacks the table. */
  columns(table: string): string[] | undefined;
  rows(table: string): Iterable<Record<string, unknown>>;
  count(table: string): number;
}

export interface CopyReport {
  tables: Array<{ table: string; source: number; target: number }>;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for the widest table. */
const BATCH_ROWS = 500;

export async function copyIntoPostgres(source: RowSource, db: PgDb): Promise<CopyReport> {
  return db.tx(async (sql) => {
    // Nobody else writes while we copy: a bot instance started by mistake waits or fails.
    await sql.run(`LOCK TABLE ${COPY_ORDER.join(', ')} IN EXCLUSIVE MODE`);
    const occupied: string[] = [];
    for (const table of [...COPY_ORDER, 'leases']) {
      const n = (await sql.one<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`))!.n;
      if (n > 0) occupied.push(`${table} (${n})`);
    }
    if (occupied.length > 0) {
      throw new BotError(
        `the target database is not empty: ${occupied.join(', ')}; copy-store only writes into a new, empty database`,
        'CONFIG_INVALID',
      );
    }
    const report: CopyReport = { tables: [] };
    for (const table of COPY_ORDER) {
      const columns = await targetColumns(sql, table, source.columns(table));
      let batch: unknown[][] = [];
      for (const row of source.rows(table)) {
        batch.push(columns.map((c) => row[c] ?? null));
        if (batch.length === BATCH_ROWS) {
          await insert(sql, table, columns, batch);
          batch = [];
        }
      }
      if (batch.length > 0) await insert(sql, table, columns, batch);
      const target = (await sql.one<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`))!.n;
      report.tables.push({ table, source: source.count(table), target });
    }
    const wrong = report.tables.filter((t) => t.source !== t.target);
    if (wrong.length > 0) {
      throw new BotError(
        `row counts differ after the copy (${wrong.map((t) => `${t.table}: ${t.source} in SQLite, ${t.target} copied`).join('; ')}); nothing was written`,
        'STORE_UNAVAILABLE',
      );
    }
    for (const table of IDENTITY_TABLES) {
      await sql.run(
        `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 0) + 1, false)`, [table],
      );
    }
    return report;
  });
}

/** The source's columns that the target has (names checked against the target's catalogue, never taken on trust). */
async function targetColumns(sql: Sql, table: string, sourceColumns: string[] | undefined): Promise<string[]> {
  const target = new Set((await sql.rows<{ c: string }>(
    "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", [table],
  )).map((r) => r.c));
  const missing = (sourceColumns ?? []).filter((c) => !target.has(c));
  if (missing.length > 0) {
    throw new BotError(`the PostgreSQL schema lacks ${table}.${missing.join(`, ${table}.`)}: run oyster-bot migrate on both databases first`, 'MIGRATION_OUT_OF_SYNC');
  }
  return sourceColumns ?? [];
}

async function insert(sql: Sql, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((value) => {
    params.push(value);
    return `$${params.length}`;
  }).join(', ')})`);
  await sql.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
}
