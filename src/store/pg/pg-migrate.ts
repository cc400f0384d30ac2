/**
 * Forward-only migrations for PostgreSQL (migrations/pg/NNNN_*.sql), with the same rules as
 * the SQLite runner (src/store/migrate.ts): numbered files, checksums, and a refusal to run when
 * the applied ids are not a prefix of the files or an applied file was edited. Several instances
 * may start at once: an advisory lock makes them migrate one after another, and the later ones
 * find nothing left to do.
 */
import { join } from 'node:path';
import { BotError } from '../../errors.js';
import { MIGRATIONS_DIR } from '../sqlite/database.js';
import { readMigrations } from '../sqlite/migrate.js';
import type { PgDb } from './pg-db.js';

export const PG_MIGRATIONS_DIR = join(MIGRATIONS_DIR, 'pg');

/** An arbitrary constant: the advisory lock key that serializes migration runs. */
const MIGRATION_LOCK = 7_410_301;

/** Applies pending migrations; resolves with the names applied (empty when up to date). */
export async function migratePg(db: PgDb, dir: string = PG_MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  return db.tx(async (sql) => {
    await sql.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await sql.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = await sql.rows<{ id: number; name: string; checksum: string }>(
      'SELECT id, name, checksum FROM schema_migrations ORDER BY id',
    );
    for (const row of applied) {
      const file = files[row.id - 1];
      if (!file) {
        throw new BotError(
          `migration ${row.name} was applied to this database but is missing from ${dir}: restore the file (never delete applied migrations)`,
          'MIGRATION_OUT_OF_SYNC',
        );
      }
      if (file.name !== row.name || file.checksum !== row.checksum) {
        throw new BotError(
          `migration ${row.name} was edited after it was applied: restore the original file and put the change in a new numbered migration`,
          'MIGRATION_OUT_OF_SYNC',
        );
      }
    }
    // One transaction for the whole run: PostgreSQL DDL is transactional, so a failing file
    // leaves the schema exactly as it was, with no half-applied migration to repair.
    const done: string[] = [];
    for (const file of files.slice(applied.length)) {
      await sql.run(file.sql);
      await sql.run('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        file.id, file.name, file.checksum, new Date().toISOString(),
      ]);
      done.push(file.name);
    }
    return done;
  });
}
