/**
 * The stores under contract, built the way the bot builds them: SQLite on a fresh in-memory
 * database, PostgreSQL on a fresh database of the test server (migrated once per suite, emptied
 * before each test). Both give the same seams, so every contract runs unchanged on both.
 */
import type { CaseStore } from '../../src/store/case-store.js';
import type { DashboardAuthStore } from '../../src/store/dashboard-store.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { openPgStores, type PgStores } from '../../src/store/pg/index.js';
import { PgMessageStore } from '../../src/store/pg/pg-message-store.js';
import type { ResourceDeliveryStore } from '../../src/store/resource-deliveries.js';
import { SqliteCaseStore } from '../../src/store/sqlite/sqlite-cases.js';
import { SqliteDashboardAuth } from '../../src/store/sqlite/sqlite-dashboard-auth.js';
import { SqliteResourceDeliveries } from '../../src/store/sqlite/sqlite-resource-deliveries.js';
import { SqliteMessageStore } from '../../src/store/sqlite/sqlite-store.js';
import type { MessageStore } from '../../src/store/store.js';
import type { SharedStateStore } from '../../src/store/shared-state.js';
import { SqliteSharedState } from '../../src/store/sqlite/sqlite-shared-state.js';
import type { SendLedger } from '../../src/ports.js';
import { SqliteSendLedger } from '../../src/store/sqlite/sqlite-send-ledger.js';
import { freshDatabase } from './pg-env.js';

export interface StoreSet {
  /** 'sqlite' or 'postgres': a contract states where the two may differ, and why. */
  dialect: 'sqlite' | 'postgres';
  messages: MessageStore;
  cases: CaseStore;
  deliveries: ResourceDeliveryStore;
  dashboardAuth: DashboardAuthStore;
  shared: SharedStateStore;
  ledger: SendLedger;
  /**
   * The message store as the next run of the process opens it (same database, same instance
   * name): what a restart sees. A running instance never takes again what it is handling.
   */
  nextRun(): MessageStore;
  /** Rows in a table (tables named in the contracts only). */
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** Makes one empty StoreSet per test. */
export type StoreFactory = () => Promise<StoreSet>;

export const sqliteStores: StoreFactory = async () => {
  const db = openDatabase(':memory:');
  return {
    dialect: 'sqlite',
    messages: new SqliteMessageStore(db),
    cases: new SqliteCaseStore(db),
    deliveries: new SqliteResourceDeliveries(db),
    dashboardAuth: new SqliteDashboardAuth(db),
    shared: new SqliteSharedState(db),
    ledger: new SqliteSendLedger(db),
    nextRun: () => new SqliteMessageStore(db),
    count: async (table) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
    close: async () => {
      db.close();
    },
  };
};

/** Every table the stores write, emptied between tests (faster than a database per test). */
const TABLES = [
  'processed_messages', 'turns', 'risk_state', 'preferences', 'cases', 'case_signals', 'case_events', 'alerts',
  'alert_outbox', 'resource_deliveries', 'dashboard_links', 'dashboard_sessions', 'leases', 'rate_buckets', 'direct_reach', 'send_ledger',
  'gateway_sessions', 'identify_slots',
];

/** A PostgreSQL factory on its own database of `serverUrl`; the pool stays open for the suite. */
export function pgStores(serverUrl: string): StoreFactory & { shutdown(): Promise<void> } {
  let opened: Promise<PgStores> | undefined;
  const factory = async (): Promise<StoreSet> => {
    opened ??= freshDatabase(serverUrl).then((url) => openPgStores(url, 'test-instance', { maxConnections: 8 }));
    const s = await opened;
    await s.db.sql.run(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
    return {
      dialect: 'postgres',
      messages: s.messages,
      cases: s.cases,
      deliveries: s.deliveries,
      dashboardAuth: s.dashboardAuth,
      shared: s.shared,
      ledger: s.ledger,
      nextRun: () => new PgMessageStore(s.db, 'test-instance'),
      count: async (table) => (await s.db.sql.one<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`))!.n,
      // The pool is shared by the suite's tests; shutdown() closes it.
      close: async () => undefined,
    };
  };
  return Object.assign(factory, { shutdown: async () => (opened ? (await opened).close() : undefined) });
}
