/**
 * Store faults without freezing the bot (issue 17 item 3). better-sqlite3 is synchronous: with
 * the usual 5 s busy timeout, a lock held by another process froze the whole event loop for 5 s
 * on every call. Here SQLite itself waits at most BUSY_SLICE_MS per statement (PRAGMA
 * busy_timeout, set by openDatabase); longer waits for a lock happen between attempts, with the
 * event loop free, up to BUSY_BUDGET_MS per call.
 *
 * When a call fails for a store reason (busy, locked, disk full, read-only, I/O error, corrupt
 * file), the connection is marked faulty, and for the next PROBE_EVERY_MS every call fails at
 * once instead of waiting again: a crisis message then takes the path that needs no store
 * (resources at once, the case journaled) within milliseconds. After that one call probes, and
 * the first success clears the fault. /readyz reads `fault`.
 */
import type Database from 'better-sqlite3';
import { BotError } from '../../errors.js';

/** SQLite result codes that mean "the store cannot serve right now", not "the query is wrong". */
export const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL)/;
const BUSY = /^SQLITE_(BUSY|LOCKED)/;

/** What one statement may block the event loop waiting for a lock (ms). */
export const BUSY_SLICE_MS = 3;
/** What one store call may wait in total for a lock, between attempts (ms). */
export const BUSY_BUDGET_MS = 250;
/** While a fault is this fresh, calls fail at once (ms). */
export const PROBE_EVERY_MS = 500;

export interface StoreFault {
  /** The SQLite code of the last failure (SQLITE_FULL, SQLITE_READONLY, SQLITE_BUSY…). */
  code: string;
  since: Date;
}

export class StoreHealth {
  private current: { code: string; since: number; lastAt: number } | undefined;
  private readonly listeners = new Set<(fault: StoreFault | undefined) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  get fault(): StoreFault | undefined {
    return this.current ? { code: this.current.code, since: new Date(this.current.since) } : undefined;
  }

  /** Called when the store goes faulty and when it comes back (undefined). */
  onChange(listener: (fault: StoreFault | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs one synchronous unit of SQLite work (a statement or a transaction, rolled back on
   * failure, so retrying it is safe). Rejects with STORE_UNAVAILABLE for a store fault;
   * other errors (a wrong query) pass through unchanged.
   */
  async run<T>(work: () => T): Promise<T> {
    const started = this.now();
    if (this.current && started - this.current.lastAt < PROBE_EVERY_MS) throw unavailable(this.current.code);
    let wait = 5;
    for (;;) {
      try {
        const value = work();
        this.clear();
        return value;
      } catch (error) {
        const code = sqliteCode(error);
        if (code === undefined || !UNAVAILABLE.test(code)) throw error;
        if (BUSY.test(code) && this.now() + wait - started <= BUSY_BUDGET_MS) {
          await new Promise((r) => setTimeout(r, wait));
          wait = Math.min(wait * 2, 80);
          continue;
        }
        this.record(code);
        throw unavailable(code, error);
      }
    }
  }

  /** Records a failure seen outside run() (the checkpoint timer). */
  record(code: string): void {
    const now = this.now();
    const fresh = this.current === undefined;
    this.current = { code, since: this.current?.since ?? now, lastAt: now };
    if (fresh) for (const l of this.listeners) l(this.fault);
  }

  clear(): void {
    if (this.current === undefined) return;
    this.current = undefined;
    for (const l of this.listeners) l(undefined);
  }
}

const healthByDb = new WeakMap<Database.Database, StoreHealth>();

/** The one StoreHealth of a connection, shared by every store built on it. */
export function healthOf(db: Database.Database): StoreHealth {
  let health = healthByDb.get(db);
  if (!health) {
    health = new StoreHealth();
    healthByDb.set(db, health);
  }
  return health;
}

export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function unavailable(code: string, cause?: unknown): BotError {
  return new BotError(`database unavailable (${code})`, 'STORE_UNAVAILABLE', { ...(cause ? { cause } : {}), context: { sqlite: code } });
}
