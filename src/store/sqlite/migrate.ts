/**
 * Forward-only migrations on SQLite: the shared rules (../migration-files.ts), with each file and
 * its bookkeeping row applied in one transaction. Synchronous, like openDatabase, which runs it.
 */
import type Database from 'better-sqlite3';
import { migrationRecord, pendingMigrations, readMigrations, SCHEMA_MIGRATIONS_DDL, type AppliedMigration } from '../migration-files.js';

/** Applies pending migrations; returns the names applied (empty when up to date). */
export function migrate(db: Database.Database, dir: string): string[] {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const applied = db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as AppliedMigration[];
  const pending = pendingMigrations(readMigrations(dir), applied, dir);
  const record = db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const file of pending) {
    db.transaction(() => {
      db.exec(file.sql);
      record.run(...migrationRecord(file));
    })();
  }
  return pending.map((f) => f.name);
}
