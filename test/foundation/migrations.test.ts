import { copyFileSync, mkdtempSync, readdirSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase } from '../../src/store/sqlite/database.js';
import { migrate } from '../../src/store/sqlite/migrate.js';

function copyMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-migrations-'));
  // Files only: migrations/pg/ holds the PostgreSQL dialect's own numbered files.
  for (const f of readdirSync(MIGRATIONS_DIR)) if (f.endsWith('.sql')) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  return dir;
}

describe('migrations', () => {
  it('apply to a fresh database and create the expected tables and indexes', () => {
    const db = openDatabase(':memory:');
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index')").all() as Array<{ name: string }>).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['processed_messages', 'turns', 'risk_state', 'preferences', 'turns_context_recent', 'schema_migrations']));
    const applied = db.prepare('SELECT id, name, checksum FROM schema_migrations ORDER BY id').all() as Array<{ id: number; checksum: string }>;
    expect(applied.length).toBe(readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
    expect(applied.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('does nothing when run again', () => {
    const db = openDatabase(':memory:');
    expect(migrate(db, MIGRATIONS_DIR)).toEqual([]);
  });

  it('refuses to start when an applied migration was edited', () => {
    const dir = copyMigrations();
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-db-')), 'bot.db');
    openDatabase(path, { migrationsDir: dir }).close();
    appendFileSync(join(dir, '0001_init.sql'), '\n-- an innocent-looking edit\n');
    expect(() => openDatabase(path, { migrationsDir: dir })).toThrow(/0001_init\.sql was edited after it was applied/);
  });

  it('refuses to start when an applied migration is missing', () => {
    const dir = copyMigrations();
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-db-')), 'bot.db');
    openDatabase(path, { migrationsDir: dir }).close();
    const last = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().at(-1)!;
    unlinkSync(join(dir, last));
    expect(() => openDatabase(path, { migrationsDir: dir })).toThrow(/is missing/);
  });

  it('applies a new migration in one transaction and rolls back a failing one', () => {
    const dir = copyMigrations();
    const db = openDatabase(':memory:', { migrationsDir: dir });
    const next = String(readdirSync(dir).filter((f) => f.endsWith('.sql')).length + 1).padStart(4, '0');
    writeFileSync(join(dir, `${next}_broken.sql`), 'CREATE TABLE half_done (id INTEGER);\nTHIS IS NOT SQL;');
    expect(() => migrate(db, dir)).toThrow();
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    writeFileSync(join(dir, `${next}_fixed.sql`), 'CREATE TABLE half_done (id INTEGER);');
    unlinkSync(join(dir, `${next}_broken.sql`));
    expect(migrate(db, dir)).toEqual([`${next}_fixed.sql`]);
  });
});
