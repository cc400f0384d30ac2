/**
 * Forward-only migrations on PostgreSQL (migrations/pg/NNNN_*.sql): the shared rules
 * (../migration-files.ts), with the whole batch in one transaction under an advisory lock, so
 * several instances starting at once migrate one after another and the later ones find nothing
 * left to do, and a failing file leaves the schema as it was (PostgreSQL DDL is transactional).
 */
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../sqlite/database.js';
import { migrationRecord, pendingMigrations, readMigrations, SCHEMA_MIGRATIONS_DDL, type AppliedMigration } from '../migration-files.js';
import type { PgDb } from './pg-db.js';

export const PG_MIGRATIONS_DIR = join(MIGRATIONS_DIR, 'pg');

/** An arbitrary constant: the advisory lock key that serializes migration runs. */
const MIGRATION_LOCK = 7_410_301;

/** Applies pending migrations; resolves with the names applied (empty when up to date). */
export async function migratePg(db: PgDb, dir: string = PG_MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  return db.tx(async (sql) => {
    await sql.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await sql.run(SCHEMA_MIGRATIONS_DDL);
    const applied = await sql.rows<AppliedMigration>('SELECT id, name, checksum FROM schema_migrations ORDER BY id');
    const pending = pendingMigrations(files, applied, dir);
    for (const file of pending) {
      await sql.run(file.sql);
      await sql.run('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', migrationRecord(file));
    }
    return pending.map((f) => f.name);
  });
}
