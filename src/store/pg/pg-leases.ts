/**
 * Named leases in PostgreSQL (migrations/pg/0002): what makes several instances behave as one.
 * A lease has one holder until its expiry; the holder renews it while it works, and a holder
 * that dies simply stops renewing, so the lease passes on after at most its TTL. Used for each
 * instance's heartbeat, for the per-user-context lease that keeps one user's messages in order
 * across instances, and for leader leases (one Telegram long-polling instance).
 */
import type { PgDb } from './pg-db.js';

/** Heartbeat lease names: "instance:<OYSTER_INSTANCE_ID>". */
export const INSTANCE_LEASE_PREFIX = 'instance:';

export interface LeaseStore {
  /** Takes or renews `name` for `holder` until now + ttlMs; false while someone else holds it. */
  acquire(name: string, holder: string, ttlMs: number, now?: Date): Promise<boolean>;
  /** Gives the lease up (only if `holder` still holds it). */
  release(name: string, holder: string): Promise<void>;
  /** Who holds `name` at `now`, if anyone. */
  holder(name: string, now?: Date): Promise<string | undefined>;
  /** How many unexpired leases have names starting with `prefix` (live instances: INSTANCE_LEASE_PREFIX). */
  countLive(prefix: string, now?: Date): Promise<number>;
}

export class PgLeases implements LeaseStore {
  constructor(private readonly db: PgDb) {}

  async acquire(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
    // One statement, atomic on the row: a free or expired lease is taken, the holder's own is
    // renewed, anyone else's is left alone (the WHERE makes the upsert a no-op, no row returned).
    const row = await this.db.sql.one<{ holder: string }>(
      `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
       WHERE leases.holder = EXCLUDED.holder OR leases.until <= $4
       RETURNING holder`,
      [name, holder, now.getTime() + ttlMs, now.getTime()],
    );
    return row !== undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.sql.run('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async countLive(prefix: string, now = new Date()): Promise<number> {
    const row = await this.db.sql.one<{ n: number }>('SELECT COUNT(*)::int AS n FROM leases WHERE starts_with(name, $1) AND until > $2', [prefix, now.getTime()]);
    return row?.n ?? 0;
  }

  async holder(name: string, now = new Date()): Promise<string | undefined> {
    return (await this.db.sql.one<{ holder: string }>('SELECT holder FROM leases WHERE name = $1 AND until > $2', [name, now.getTime()]))?.holder;
  }
}

/**
 * Keeps this instance's heartbeat lease fresh, so other instances know its unfinished
 * deliveries are being handled. Resolves with a stop function that releases the lease.
 */
export async function startHeartbeat(leases: LeaseStore, instanceId: string, ttlMs = 15_000): Promise<() => Promise<void>> {
  const name = `${INSTANCE_LEASE_PREFIX}${instanceId}`;
  await leases.acquire(name, instanceId, ttlMs);
  const timer = setInterval(() => void leases.acquire(name, instanceId, ttlMs).catch(() => undefined), Math.floor(ttlMs / 3));
  timer.unref();
  return async () => {
    clearInterval(timer);
    await leases.release(name, instanceId).catch(() => undefined);
  };
}
