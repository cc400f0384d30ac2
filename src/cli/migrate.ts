/**
 * `oyster-bot migrate`: applies pending migrations to the configured database and exits:
 * PostgreSQL (migrations/pg/) when DATABASE_URL is a postgres:// URL, else the SQLite file at
 * OYSTER_DB_PATH (migrations/).
 */
import { loadConfig, withDotEnv } from '../config.js';
import { MIGRATIONS_DIR, openDatabase } from '../store/sqlite/database.js';
import { migrate } from '../store/sqlite/migrate.js';
import type { CliCommand } from './command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: [
    'oyster-bot migrate',
    '',
    'Applies every pending migration, each file once, in order, with checksums:',
    '  DATABASE_URL=postgres://…  migrations/pg/NNNN_*.sql on that PostgreSQL database',
    '  otherwise                  migrations/NNNN_*.sql on the SQLite file at OYSTER_DB_PATH',
  ].join('\n'),
  async run(_args, io) {
    const config = loadConfig(withDotEnv(io.env));
    let applied: string[];
    if (config.DATABASE_URL) {
      const { PgDb, migratePg } = await import('../store/pg/index.js');
      const db = new PgDb(config.DATABASE_URL, { maxConnections: 1 });
      try {
        applied = await migratePg(db);
      } finally {
        await db.close();
      }
    } else {
      const db = openDatabase(config.OYSTER_DB_PATH, { migrate: false });
      try {
        applied = migrate(db, MIGRATIONS_DIR);
      } finally {
        db.close();
      }
    }
    io.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  },
};

