/**
 * Opens the PostgreSQL stores on one pool (DATABASE_URL=postgres://…), applying pending
 * migrations from migrations/pg/ first. Every instance of the bot opens the same database;
 * `instanceId` names this one among them (OYSTER_INSTANCE_ID).
 */
import { PgCaseStore } from './pg-cases.js';
import { PgDashboardAuth } from './pg-dashboard-auth.js';
import { PgDb, type PgOptions } from './pg-db.js';
import { PgLeases } from './pg-leases.js';
import { PgMessageStore } from './pg-message-store.js';
import { migratePg } from './pg-migrate.js';
import { PgResourceDeliveries } from './pg-resource-deliveries.js';
import { PgSharedState } from './pg-shared-state.js';
import { PgSendLedger } from './pg-send-ledger.js';

export interface PgStores {
  db: PgDb;
  messages: PgMessageStore;
  cases: PgCaseStore;
  deliveries: PgResourceDeliveries;
  dashboardAuth: PgDashboardAuth;
  leases: PgLeases;
  shared: PgSharedState;
  ledger: PgSendLedger;
  close(): Promise<void>;
}

export async function openPgStores(url: string, instanceId: string, options: PgOptions & { migrate?: boolean } = {}): Promise<PgStores> {
  const db = new PgDb(url, options);
  try {
    if (options.migrate !== false) await migratePg(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    db,
    messages: new PgMessageStore(db, instanceId),
    cases: new PgCaseStore(db),
    deliveries: new PgResourceDeliveries(db),
    dashboardAuth: new PgDashboardAuth(db),
    leases: new PgLeases(db),
    shared: new PgSharedState(db),
    ledger: new PgSendLedger(db),
    close: () => db.close(),
  };
}

export { PgDb } from './pg-db.js';
export { migratePg, PG_MIGRATIONS_DIR } from './pg-migrate.js';
