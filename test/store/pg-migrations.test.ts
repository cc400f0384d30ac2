/**
 * PostgreSQL migrations: the runner's rules (applied once, in order, refused when an applied
 * file changed), several instances migrating at once, `oyster-bot migrate` choosing PostgreSQL
 * by DATABASE_URL, and that the two dialects' schemas stay the same tables and columns.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { PG_MIGRATIONS_DIR, PgDb, migratePg } from '../../src/store/pg/index.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { describePg, freshDatabase } from './pg-env.js';

/** What only PostgreSQL has: several instances need it, one SQLite process does not (migrations/pg/0002). */
const PG_ONLY = new Set(['leases.name', 'leases.holder', 'leases.until', 'processed_messages.owner', 'case_signals.seq']);

describePg('PostgreSQL migrations', (serverUrl) => {
  const opened: PgDb[] = [];
  const open = async () => {
    const db = new PgDb(await freshDatabase(serverUrl), { maxConnections: 4 });
    opened.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
  });

  it('applies every file once, in order, and a second run is a no-op', async () => {
    const db = await open();
    const applied = await migratePg(db);
    expect(applied[0]).toBe('0001_schema.sql');
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(await migratePg(db)).toEqual([]);
    const rows = await db.sql.rows<{ id: number; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(applied);
  });

  it('lets several instances start together: one migrates, the others find nothing to do', async () => {
    const db = await open();
    const runs = await Promise.all([migratePg(db), migratePg(db), migratePg(db)]);
    expect(runs.filter((r) => r.length > 0)).toHaveLength(1);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const db = await open();
    const dir = mkdtempSync(join(tmpdir(), 'oyster-pg-migrations-'));
    cpSync(PG_MIGRATIONS_DIR, dir, { recursive: true });
    await migratePg(db, dir);
    const file = join(dir, '0001_schema.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited\n`);
    await expect(migratePg(db, dir)).rejects.toMatchObject({
      code: 'MIGRATION_OUT_OF_SYNC', message: expect.stringContaining('0001_schema.sql was edited after it was applied'),
    });
  });

  it('keeps the same tables and columns as the SQLite schema', async () => {
    const db = await open();
    await migratePg(db);
    const pgColumns = new Set((await db.sql.rows<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
    )).map((r) => `${r.t}.${r.c}`));
    const sqlite = openDatabase(':memory:');
    const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all() as Array<{ name: string }>).map((r) => r.name);
    const sqliteColumns = new Set(tables.flatMap((t) => (sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(t) as Array<{ name: string }>).map((c) => `${t}.${c.name}`)));
    sqlite.close();
    // A new SQLite migration needs its twin in migrations/pg (and the reverse): this names what is missing.
    expect([...sqliteColumns].filter((c) => !pgColumns.has(c)).sort()).toEqual([]);
    expect([...pgColumns].filter((c) => !sqliteColumns.has(c) && !PG_ONLY.has(c)).sort()).toEqual([]);
  });

  it('is what `oyster-bot migrate` applies when DATABASE_URL is a postgres:// URL', async () => {
    const url = await freshDatabase(serverUrl);
    const first = await runCli(['migrate'], { env: { DATABASE_URL: url } });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: 0001_schema\.sql, 0002_instances\.sql/);
    const again = await runCli(['migrate'], { env: { DATABASE_URL: url } });
    expect(again.stdout.trim()).toBe('database is up to date');
  }, CLI_TEST_TIMEOUT_MS);

  it('names DATABASE_URL without echoing it when it is not a postgres URL', async () => {
    const r = await runCli(['migrate'], { env: { DATABASE_URL: 'mysql://user:hunter2@db/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL is invalid');
    expect(r.stderr).not.toContain('hunter2');
  }, CLI_TEST_TIMEOUT_MS);
});
