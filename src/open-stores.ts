/**
 * Chooses and opens the store for the composition root: PostgreSQL when DATABASE_URL is a
 * postgres:// URL (several instances on one database), else the embedded SQLite file at
 * OYSTER_DB_PATH. Both give the same seams; only what differs is named here.
 */
import { hostname } from 'node:os';
import type { Config } from './config.js';
import type { CaseStore } from './store/case-store.js';
import type { DashboardAuthStore, DashboardReads } from './store/dashboard-store.js';
import type { PgStores } from './store/pg/index.js';
import type { TurnOrder } from './store/pg/pg-turn-order.js';
import type { LeaseStore } from './store/pg/pg-leases.js';
import { openDatabase, type Database } from './store/sqlite/database.js';
import { startCheckpoints } from './store/sqlite/checkpoints.js';
import { SqliteCaseStore } from './store/sqlite/sqlite-cases.js';
import { SqliteResourceDeliveries } from './store/sqlite/sqlite-resource-deliveries.js';
import type { ResourceDeliveryStore } from './store/resource-deliveries.js';
import type { SharedStateStore } from './store/shared-state.js';
import { SqliteSharedState } from './store/sqlite/sqlite-shared-state.js';
import { SqliteSendLedger } from './store/sqlite/sqlite-send-ledger.js';
import type { SendLedger } from './ports.js';
import { SqliteMessageStore } from './store/sqlite/sqlite-store.js';
import { BUSY_SLICE_MS, healthOf, type StoreHealth } from './store/sqlite/store-health.js';
import type { MessageStore } from './store/store.js';

/** WAL checkpoints run on this timer rather than inside a message's commit. */
const CHECKPOINT_INTERVAL_MS = 2_000;

export interface BotMessageStore extends MessageStore {
  /** Drops dedupe records older than `before`. */
  purgeProcessed(before: Date): Promise<number>;
  /** After a /forget: make deleted content unrecoverable from the database files now. */
  compact(): Promise<boolean>;
}

export interface OpenedStores {
  dialect: 'sqlite' | 'postgres';
  messages: BotMessageStore;
  cases: CaseStore;
  /** The crisis resource-delivery queue (delivery truth, issue 12 item 3). */
  deliveries: ResourceDeliveryStore;
  /** Rate buckets and private reachability: state every instance must see alike. */
  shared: SharedStateStore;
  /** Sends marked before and after, for platforms without an idempotency key (Telegram). */
  ledger: SendLedger;
  /** SQLite only: the connection's fault state (store-health.ts), for /readyz and the case journal. */
  health: StoreHealth | undefined;
  /** The SQLite connection; undefined on PostgreSQL. */
  sqlite: Database.Database | undefined;
  /** PostgreSQL only: waits for a person's earlier messages on other instances. */
  turnOrder: TurnOrder | undefined;
  /** The moderator dashboard's sign-in storage and read model (loaded only when the dashboard is on). */
  dashboard(failingAfterAttempts: number): Promise<{ authStore: DashboardAuthStore; reads: DashboardReads }>;
  /** PostgreSQL only: named leases shared by the instances (heartbeats, the Telegram poller). */
  leases: LeaseStore | undefined;
  /** This instance's name (OYSTER_INSTANCE_ID, else the host name). */
  instanceId: string;
  close(): Promise<void>;
}

export async function openStores(config: Pick<Config, 'DATABASE_URL' | 'OYSTER_DB_PATH' | 'SQLITE_BUSY_TIMEOUT_MS' | 'OYSTER_INSTANCE_ID'>): Promise<OpenedStores> {
  // The host name is stable across restarts of one container or machine, which is what lets a
  // restarted instance resume its own unfinished messages at once. Several instances on one host
  // need distinct OYSTER_INSTANCE_IDs.
  const instanceId = config.OYSTER_INSTANCE_ID ?? hostname();
  if (config.DATABASE_URL) {
    // Loaded only when configured: an SQLite deployment never loads the pg driver.
    const pg = await import('./store/pg/index.js');
    const { createTurnOrder, TurnBell } = await import('./store/pg/pg-turn-order.js');
    const { listen } = await import('./store/pg/pg-listen.js');
    const { TURNS_CHANNEL } = await import('./store/pg/pg-message-store.js');
    const { startHeartbeat } = await import('./store/pg/pg-leases.js');
    const stores: PgStores = await pg.openPgStores(config.DATABASE_URL, instanceId);
    const stopHeartbeat = await startHeartbeat(stores.leases, instanceId);
    // Completions on any instance wake this instance's waiters for that person (pg-turn-order.ts).
    const bell = new TurnBell();
    const listener = listen(config.DATABASE_URL, TURNS_CHANNEL, (userKey) => bell.ring(userKey));
    return {
      dialect: 'postgres', messages: stores.messages, cases: stores.cases, deliveries: stores.deliveries, shared: stores.shared, ledger: stores.ledger, sqlite: undefined, health: undefined, instanceId,
      turnOrder: createTurnOrder(stores.messages, { bell }), leases: stores.leases,
      async dashboard(failingAfterAttempts) {
        const { PgDashboardReads } = await import('./store/pg/pg-dashboard-reads.js');
        return { authStore: stores.dashboardAuth, reads: new PgDashboardReads(stores.db, failingAfterAttempts) };
      },
      async close() {
        await listener.close();
        await stopHeartbeat();
        await stores.close();
      },
    };
  }
  const db = openDatabase(config.OYSTER_DB_PATH, {
    // SQLite blocks the event loop at most this long per statement for a lock; longer waits
    // happen between attempts, off the loop (store-health.ts).
    busyTimeoutMs: Math.min(config.SQLITE_BUSY_TIMEOUT_MS, BUSY_SLICE_MS), manualCheckpoints: true,
  });
  const checkpoints = startCheckpoints(db, CHECKPOINT_INTERVAL_MS);
  const messages = new SqliteMessageStore(db);
  return {
    dialect: 'sqlite', messages, cases: new SqliteCaseStore(db), deliveries: new SqliteResourceDeliveries(db), shared: new SqliteSharedState(db), ledger: new SqliteSendLedger(db), sqlite: db,
    health: healthOf(db), turnOrder: undefined, leases: undefined, instanceId,
    async dashboard(failingAfterAttempts) {
      const { SqliteDashboardAuth } = await import('./store/sqlite/sqlite-dashboard-auth.js');
      const { SqliteDashboardReads } = await import('./store/sqlite/sqlite-dashboard-reads.js');
      return { authStore: new SqliteDashboardAuth(db), reads: new SqliteDashboardReads(db, failingAfterAttempts) };
    },
    async close() {
      await checkpoints.stop();
      await messages.close();
    },
  };
}
