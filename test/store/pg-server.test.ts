import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findPgBinDir, startTestCluster } from './pg-cluster.js';
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

describePg('a test PostgreSQL whose port was taken before it could bind it', () => {
  it('starts on another port instead of failing', async () => {
    expect(findPgBinDir()).toBeDefined();
    // PostgreSQL cannot bind port 0 and say which it took, so a port probed free can be gone by
    // the time it starts: here the first one offered is held by another listener.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    const taken = (squatter.address() as { port: number }).port;
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', () => resolve()));
    const freePort = (free.address() as { port: number }).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const offered: number[] = [];
    const ports = [taken, freePort];
    const cluster = await startTestCluster({ pickPort: async () => { offered.push(ports[offered.length]!); return offered.at(-1)!; } });
    try {
      expect(offered).toEqual([taken, freePort]);
      expect(new URL(cluster.url).port).toBe(String(freePort));
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      await client.end();
    } finally {
      await cluster.stop();
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  }, 120_000);
});
