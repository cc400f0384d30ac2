/** `oyster-bot migrate`: applies pending migrations to the configured database and exits. */
import { loadConfig, withDotEnv } from '../config.js';
import { MIGRATIONS_DIR, openDatabase } from '../store/sqlite/database.js';
import { migrate } from '../store/sqlite/migrate.js';
import type { CliCommand } from './command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'oyster-bot migrate\n\nApplies every pending migrations/NNNN_*.sql file in its own transaction.',
  async run(_args, io) {
    const config = loadConfig(withDotEnv(io.env));
    const db = openDatabase(config.OYSTER_DB_PATH, { migrate: false });
    try {
      const applied = migrate(db, MIGRATIONS_DIR);
      io.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    } finally {
      db.close();
    }
  },
};
