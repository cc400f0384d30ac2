/**
 * Forward-only migrations: numbered plain .sql files, each applied with its bookkeeping row
 * in one transaction and recorded with a checksum. Startup refuses to run when the applied
 * migrations are not a prefix of the files on disk or an applied file was edited, because
 * running on a schema we cannot vouch for risks losing alerts.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { BotError } from '../../errors.js';

export interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

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

/** Applies pending migrations; resolves with the names applied (empty when up to date). */
export function migrate(db: Database.Database, dir: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const files = readMigrations(dir);
  const applied = db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as Array<{
    id: number; name: string; checksum: string;
  }>;
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
  const record = db.prepare('INSERT INTO schema_migrations (id, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  const done: string[] = [];
  for (const file of files.slice(applied.length)) {
    db.transaction(() => {
      db.exec(file.sql);
      record.run(file.id, file.name, file.checksum, new Date().toISOString());
    })();
    done.push(file.name);
  }
  return done;
}
