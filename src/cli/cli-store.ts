/**
 * The store an operator command (`cases`, `dashboard link`) opens: PostgreSQL when DATABASE_URL
 * is a postgres:// URL, as the bot does, else the SQLite file. Each command gets just the seams
 * it needs and one close(); the pg driver is loaded only for PostgreSQL.
 */
import { resolve } from 'node:path';
import type { CaseStore } from '../store/case-store.js';
import type { DashboardAuthStore } from '../store/dashboard-store.js';

export interface CliStore {
  /** Where the rows are, for messages: "PostgreSQL" or the SQLite file's path. */
  where: string;
  cases: CaseStore;
  dashboardAuth: DashboardAuthStore;
  close(): Promise<void>;
}

/** A postgres:// or postgresql:// URL (the config's own check gives the fix-it message at start). */
export function postgresUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  const url = env['DATABASE_URL']?.trim();
  return url && /^postgres(ql)?:\/\/\S+$/.test(url) ? url : undefined;
}

export async function openCliStore(env: NodeJS.ProcessEnv, sqlitePath: string, options: { busyTimeoutMs?: number } = {}): Promise<CliStore> {
  const url = postgresUrlOf(env);
  if (url) {
    const { openPgStores } = await import('../store/pg/index.js');
    // A one-off command holds at most two connections; the instance id only names it in leases it never takes.
    const stores = await openPgStores(url, `cli-${process.pid}`, { maxConnections: 2, applicationName: 'oyster-bot-cli' });
    return { where: 'PostgreSQL (DATABASE_URL)', cases: stores.cases, dashboardAuth: stores.dashboardAuth, close: () => stores.close() };
  }
  const { openDatabase } = await import('../store/sqlite/database.js');
  const { SqliteCaseStore } = await import('../store/sqlite/sqlite-cases.js');
  const { SqliteDashboardAuth } = await import('../store/sqlite/sqlite-dashboard-auth.js');
  const path = resolve(sqlitePath);
  const db = openDatabase(path, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
  return {
    where: path, cases: new SqliteCaseStore(db), dashboardAuth: new SqliteDashboardAuth(db),
    close: async () => {
      db.close();
    },
  };
}
