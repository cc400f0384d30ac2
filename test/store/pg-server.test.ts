import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePg, freshDatabase } from './pg-env.js';

describePg('the test PostgreSQL', (serverUrl) => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: await freshDatabase(serverUrl) });
    await client.connect();
  });
  afterAll(async () => client?.end());

  it('runs as an unprivileged user and listens on loopback only', async () => {
    const { rows } = await client.query<{ listen: string }>('SELECT current_setting($1) AS listen', ['listen_addresses']);
    expect(rows[0]?.listen).toMatch(/^(127\.0\.0\.1|localhost)$/);
    const { rows: who } = await client.query<{ super: boolean }>('SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user');
    // The role is the cluster's superuser (initdb -U); the operating-system user is not root,
    // which PostgreSQL enforces itself: postgres exits at start when run as root.
    expect(who[0]?.super).toBe(true);
  });

  it('gives each suite its own empty database', async () => {
    const other = new pg.Client({ connectionString: await freshDatabase(serverUrl) });
    await other.connect();
    try {
      await client.query('CREATE TABLE only_here (x INTEGER)');
      const { rows } = await other.query<{ n: number }>(
        "SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_name = 'only_here'",
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await other.end();
    }
  });
});
