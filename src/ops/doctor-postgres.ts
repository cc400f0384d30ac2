/**
 * `oyster-bot doctor` with DATABASE_URL=postgres://…: reaches the server within the doctor's
 * timeout, compares the applied migrations with migrations/pg, and takes (and rolls back) a
 * write. It never prints the URL (it carries the password): only the host and database name.
 */
import { readMigrations } from '../store/migration-files.js';
import { PG_MIGRATIONS_DIR } from '../store/pg/pg-migrate.js';
import { connectProbe, type ProbeClient } from '../store/pg/pg-probe.js';
import { ok, problem, type Finding } from './doctor-checks.js';

const NAME = 'database';

/** host:port/database, without user or password. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

export async function checkPostgres(url: string, timeoutMs: number): Promise<Finding> {
  const where = describePostgres(url);
  let client: ProbeClient;
  try {
    client = await connectProbe(url, timeoutMs, 'oyster-bot-doctor');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return problem(NAME, `${where} did not accept a connection (${code ?? (error as Error).message})`,
      code === '28P01' || code === '28000'
        ? 'check the user and password in DATABASE_URL'
        : code === '3D000' ? 'create the database (createdb), then run `oyster-bot migrate`'
          : 'start PostgreSQL or correct the host and port in DATABASE_URL');
  }
  try {
    const files = readMigrations(PG_MIGRATIONS_DIR);
    const table = await client.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
    const applied = table.rows[0]?.present === true
      ? (await client.query<{ id: number; name: string; checksum: string }>('SELECT id, name, checksum FROM schema_migrations ORDER BY id')).rows
      : [];
    for (const row of applied) {
      const f = files[row.id - 1];
      if (!f || f.name !== row.name || f.checksum !== row.checksum) {
        return problem(NAME, `migration ${row.name} in ${where} does not match migrations/pg (missing or edited after it was applied)`,
          'restore the original migration file; put schema changes in a new numbered migration');
      }
    }
    try {
      // A real write, rolled back: proves the user may create and write tables in this database.
      await client.query('BEGIN');
      await client.query('CREATE TABLE oyster_doctor_probe (x INTEGER)');
      await client.query('ROLLBACK');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      return problem(NAME, `${where} is not writable for this user (${(error as { code?: string }).code ?? (error as Error).message})`,
        'grant the user CREATE and write rights on the database (or its schema)');
    }
    const pending = files.length - applied.length;
    const schema = pending === 0
      ? `schema up to date (${files.length} migrations)`
      : `${pending} of ${files.length} migrations pending (applied at start, or run \`oyster-bot migrate\`)`;
    return ok(NAME, `${where}: ${schema}, writable`);
  } catch (error) {
    return problem(NAME, `${where}: ${(error as Error).message}`, 'check that DATABASE_URL points at the oyster-bot database');
  } finally {
    await client.end().catch(() => undefined);
  }
}
