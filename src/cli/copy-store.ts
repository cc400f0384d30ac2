/**
 * `oyster-bot copy-store --from ./data/oyster-bot.db --to postgres://…`: moves an existing
 * SQLite database into PostgreSQL (issue 14 item 4). The target is migrated first and must be
 * empty; the copy is one transaction, verified table by table before it commits.
 */
import { existsSync } from 'node:fs';
import { BotError } from '../errors.js';
import { migratePg, PgDb } from '../store/pg/index.js';
import { COPY_ORDER, copyIntoPostgres, type RowSource } from '../store/pg/pg-copy.js';
import { MIGRATIONS_DIR, openDatabase } from '../store/sqlite/database.js';
import { readMigrations } from '../store/migration-files.js';
import type { CliCommand } from './command.js';

const USAGE = `Usage: oyster-bot copy-store --from PATH --to postgres://user:password@host:5432/database

Copies every row of the SQLite database at PATH into an empty PostgreSQL database, keeping ids,
in one transaction, and checks each table's row count before committing.
  --from PATH   the SQLite file (stop the bot first; it must be migrated to the current version)
  --to URL      the PostgreSQL database; migrations/pg is applied to it first, and it must hold no rows
Exit code: 0 copied; 2 for a usage error, a non-empty target or an unmigrated source; 1 otherwise.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export const copyStoreCommand: CliCommand = {
  name: 'copy-store',
  usage: USAGE,
  async run(args, io) {
    const from = option(args, '--from');
    const to = option(args, '--to');
    if (!from || !to || !/^postgres(ql)?:\/\//.test(to)) {
      io.stderr.write(`copy-store needs --from PATH and --to postgres://…\n\n${USAGE}\n`);
      return 2;
    }
    if (!existsSync(from)) throw new BotError(`--from ${from} does not exist`, 'CONFIG_INVALID');
    const sqlite = openDatabase(from, { migrate: false });
    const pg = new PgDb(to, { maxConnections: 2 });
    try {
      const applied = (sqlite.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'schema_migrations'").get() as { n: number }).n === 1
        ? (sqlite.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n : 0;
      const expected = readMigrations(MIGRATIONS_DIR).length;
      if (applied !== expected) {
        throw new BotError(`${from} has ${applied} of ${expected} migrations: run oyster-bot migrate with OYSTER_DB_PATH=${from} first`, 'MIGRATION_OUT_OF_SYNC');
      }
      const tables = new Set((sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
      const withoutRowid = (table: string) =>
        /WITHOUT\s+ROWID/i.test((sqlite.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql);
      const known = (table: string) => (COPY_ORDER as readonly string[]).includes(table) && tables.has(table);
      const source: RowSource = {
        // Table names come from COPY_ORDER and exist in the file: never from input.
        columns: (table) => (known(table)
          ? (sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(table) as Array<{ name: string }>).map((c) => c.name)
          : undefined),
        // Insertion order where the table has one (rowid): signals with equal times keep their order.
        rows: (table) => (known(table)
          ? (sqlite.prepare(`SELECT * FROM ${table}${withoutRowid(table) ? '' : ' ORDER BY rowid'}`).iterate() as Iterable<Record<string, unknown>>)
          : []),
        count: (table) => (known(table) ? (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n : 0),
      };
      await migratePg(pg);
      const report = await copyIntoPostgres(source, pg);
      const width = Math.max(...report.tables.map((t) => t.table.length));
      for (const t of report.tables) io.stdout.write(`${t.table.padEnd(width)}  ${t.target}\n`);
      const total = report.tables.reduce((n, t) => n + t.target, 0);
      io.stdout.write(`copied ${total} rows in ${report.tables.length} tables; every count matches the SQLite file\n`);
      return 0;
    } finally {
      sqlite.close();
      await pg.close();
    }
  },
};
