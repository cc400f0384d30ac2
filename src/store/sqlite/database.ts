/**
 * Opens the SQLite database with the pragmas we rely on and applies migrations.
 * WAL + synchronous=NORMAL: measured at ~35k single-row transactions/s on this class of
 * machine, and a crash loses at most the last transactions of the WAL, never corrupts.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BotError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { ensureDatabaseFolder } from './db-folder.js';
import { migrate } from './migrate.js';

export type { Database };

/** migrations/ at the package root, wherever the process was started from. */
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'migrations');

export interface OpenOptions {
  migrationsDir?: string;
  /** How long a write waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Leave WAL checkpoints to startCheckpoints() instead of the commit that fills the log. */
  manualCheckpoints?: boolean;
}

/**
 * Copies the WAL into the database and truncates it to zero bytes, so content that secure_delete
 * zeroed in the database is not still readable in old WAL frames. Retries while another
 * connection holds a read snapshot; resolves false if the WAL could not be emptied in time.
 */
export async function truncateWal(db: Database.Database, attempts = 20): Promise<boolean> {
  for (let i = 0; i < attempts && db.open; i++) {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number }>;
    // busy = 0: every frame was copied and the file was truncated (log is then 0).
    if (!row || (row.busy === 0 && row.log <= 0)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  ensureDatabaseFolder(path);
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5_000}`);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Deleted and overwritten content is zeroed in the file, so what /forget removes is not
    // left readable in free pages (CRISIS.md privacy; issue 17 item 5).
    db.pragma('secure_delete = ON');
    // SQLite checkpoints the WAL inside whichever commit crosses 1000 pages, which put a
    // 3-6 ms stall on about one message in a hundred (npm run bench: p99 2.5-6 ms with it,
    // ~1 ms without). The bot checkpoints on a timer instead, off the event loop (checkpoints.ts).
    if (path !== ':memory:' && options.manualCheckpoints) db.pragma('wal_autocheckpoint = 0');
  } catch (error) {
    throw new BotError(`cannot open the database at ${path} (OYSTER_DB_PATH): ${(error as Error).message}`, 'STORE_UNAVAILABLE', {
      cause: error,
    });
  }
  if (options.migrate !== false) {
    try {
      migrate(db, options.migrationsDir ?? MIGRATIONS_DIR);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}
