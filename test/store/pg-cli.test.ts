/**
 * The operator commands on PostgreSQL, through the real CLI: `cases` lists the cases of the
 * database DATABASE_URL names, `dashboard link` stores its hashed link there, and `doctor`
 * checks that database (never printing the URL's password) instead of a SQLite file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPgStores, type PgStores } from '../../src/store/pg/index.js';
import { CLI_TEST_TIMEOUT_MS, runCli } from '../cli/run-cli.js';
import { signal } from './case-store.contract.js';
import { describePg, freshDatabase } from './pg-env.js';

describePg('operator commands on PostgreSQL', (serverUrl) => {
  let url: string;
  let stores: PgStores;
  beforeAll(async () => {
    url = await freshDatabase(serverUrl);
    stores = await openPgStores(url, 'seed', { maxConnections: 2 });
  });
  afterAll(async () => stores?.close());

  it('`cases` lists the cases stored in PostgreSQL with their alert state', async () => {
    const opened = await stores.cases.recordSignal(signal('high', { userId: '8801' }));
    const r = await runCli(['cases'], { env: { DATABASE_URL: url } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`#${opened.caseRecord.id}\\s+open\\s+high\\s+telegram\\s+telegram:8801`));
    expect(r.stdout).toMatch(/Outbox: 2 undelivered, 0 failing\./);
  }, CLI_TEST_TIMEOUT_MS);

  it('`dashboard link` stores the one-time link, hashed, in PostgreSQL', async () => {
    const r = await runCli(['dashboard', 'link', 'telegram:42'], {
      env: { DATABASE_URL: url, DASHBOARD_PORT: '8088', MODERATOR_IDS: 'telegram:42' },
    });
    expect(r.code, r.stderr).toBe(0);
    const token = /\/login\/([A-Za-z0-9_-]+)/.exec(r.stdout)?.[1];
    expect(token).toBeDefined();
    const links = await stores.db.sql.rows<{ user_key: string; token_hash: string }>('SELECT user_key, token_hash FROM dashboard_links');
    expect(links).toHaveLength(1);
    expect(links[0]!.user_key).toBe('telegram:42');
    expect(links[0]!.token_hash).not.toContain(token!);
  }, CLI_TEST_TIMEOUT_MS);

  it('`doctor` checks the PostgreSQL database, and names an unreachable one without its password', async () => {
    const good = await runCli(['doctor', '--timeout', '5'], { env: { DATABASE_URL: url }, stdin: null });
    const line = good.stdout.split('\n').find((l) => l.includes('database'));
    expect(line, good.stdout).toMatch(/^ok\s+database: PostgreSQL at 127\.0\.0\.1:\d+\/oyster_test_[0-9a-f]+: schema up to date \(\d+ migrations\), writable/);

    const down = new URL(url);
    down.password = 'hunter2-secret';
    down.port = '1';
    const bad = await runCli(['doctor', '--timeout', '5'], { env: { DATABASE_URL: down.toString() }, stdin: null });
    const badLine = bad.stdout.split('\n').find((l) => l.includes('database'));
    expect(badLine, bad.stdout).toMatch(/^PROBLEM\s+database: PostgreSQL at 127\.0\.0\.1:1\/oyster_test_[0-9a-f]+ did not accept a connection/);
    expect(bad.stdout + bad.stderr).not.toContain('hunter2-secret');
    expect(bad.code).toBe(1);
  }, CLI_TEST_TIMEOUT_MS);
});
