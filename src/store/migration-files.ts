/**
 * The migration rules both dialects share (SQLite: sqlite/migrate.ts, PostgreSQL:
 * pg/pg-migrate.ts): numbered plain .sql files, each recorded with a checksum in
 * schema_migrations, forward only. Startup refuses to run when the applied migrations are not a
 * prefix of the files on disk or an applied file was edited, because running on a schema we
 * cannot vouch for risks losing alerts. Only the transaction around the files differs by dialect:
 * SQLite opens synchronously (openDatabase) and commits each file on its own; PostgreSQL runs
 * the whole batch in one transaction under an advisory lock, so instances starting together
 * migrate once.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BotError } from '../errors.js';

export interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

/** One schema_migrations row. */
export interface AppliedMigration {
  id: number;
  name: string;
  checksum: string;
}

/** The bookkeeping table, the same in both dialects. */
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`;

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.sql')) continue;
    const m = FILE_PATTERN.exec(name);
    if (!m) {
      throw new BotError(`migration file ${name} is misnamed: use NNNN_snake_case.sql`, 'MIGRATION_OUT_OF_SYNC');
    }
    const sql = readFileSync(join(dir, name), 'utf8');
    files.push({ id: Number(m[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  files.forEach((f, i) => {
    if (f.id !== i + 1) {
      throw new BotError(`migration ${f.name} is out of sequence: expected number ${i + 1}`, 'MIGRATION_OUT_OF_SYNC');
    }
  });
  return files;
}

/**
 * The files still to apply, after checking that what the database recorded is exactly the first
 * files on disk, unedited. Throws MIGRATION_OUT_OF_SYNC naming the file and what to do.
 */
export function pendingMigrations(files: MigrationFile[], applied: AppliedMigration[], dir: string): MigrationFile[] {
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
  return files.slice(applied.length);
}

/** The bookkeeping row's values, in column order (id, name, checksum, applied_at). */
export function migrationRecord(file: MigrationFile, now = new Date()): [number, string, string, string] {
  return [file.id, file.name, file.checksum, now.toISOString()];
}
