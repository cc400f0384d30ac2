/**
 * WAL checkpoints off the event loop. The bot turns SQLite's own checkpoints off (they ran inside
 * whichever commit filled the log) and checkpoints on a timer instead. On the main thread that
 * timer still blocked the event loop for the checkpoint's copy and fsync: 18 ms at the median,
 * 36 ms at p90 and 64 ms at most, every 2 s, in `npm run load -- --model hung` on a loaded
 * machine. A crisis message that arrived meanwhile waited for it (issue 17 item 4).
 *
 * So a worker thread with its own connection to the same file runs the PASSIVE checkpoints: in WAL
 * mode a checkpoint by another connection is ordinary, never waits for readers and never blocks
 * writers. A failure (disk full, read-only file, a lock held elsewhere) marks the store faulty
 * for /readyz, as before. If the worker cannot start or dies, the timer falls back to the main
 * thread, so the log never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { healthOf, sqliteCode } from './store-health.js';

/**
 * The worker's code, CommonJS (eval: true needs no file, so it runs the same from src/ under tsx
 * and from dist/). It opens the database without creating it and only checkpoints.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0');
const tick = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, log: row ? row.log : 0 });
  } catch (error) {
    parentPort.postMessage({ ok: false, code: typeof error.code === 'string' ? error.code : 'SQLITE_ERROR' });
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

type FromWorker = { ok: true; log: number } | { ok: false; code: string };


/** One checkpoint on the calling thread; a failure marks the store faulty and never throws. */
function checkpointHere(db: Database.Database): void {
  if (!db.open) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    healthOf(db).record(sqliteCode(error) ?? 'SQLITE_ERROR');
  }
}

export interface Checkpoints {
  /** Where checkpoints run now: 'worker', or 'main' (an in-memory database, or the fallback). */
  readonly where: 'worker' | 'main';
  /** Stops the timer and checkpoints once more on the calling thread. */
  stop(): Promise<void>;
}

/**
 * Checkpoints the WAL every `intervalMs` in a worker thread (PASSIVE: never waits for readers,
 * never blocks other connections' writes), so the log stays small without stalling a message.
 */
export function startCheckpoints(db: Database.Database, intervalMs: number): Checkpoints {
  let timer: NodeJS.Timeout | undefined;
  let worker: Worker | undefined;
  let where: 'worker' | 'main' = 'main';
  const onMain = () => {
    where = 'main';
    timer ??= setInterval(() => checkpointHere(db), intervalMs);
    timer.unref();
  };
  if (db.memory || !db.open) onMain();
  else {
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path: db.name, intervalMs },
        // The parent's loader (tsx in development) is not needed for plain CommonJS.
        execArgv: [],
      });
      worker.unref();
      where = 'worker';
      // A success clears nothing: as on the main thread, the next store call that works does.
      worker.on('message', (m: FromWorker) => {
        if (!m.ok) healthOf(db).record(m.code);
      });
      // The worker could not open the file or died: the main thread's timer takes over, and a
      // real store fault shows there (a dead worker is no reason to call the store faulty).
      worker.on('error', () => {
        worker = undefined;
        onMain();
      });
    } catch {
      worker = undefined;
      onMain();
    }
  }
  return {
    get where() {
      return where;
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      const w = worker;
      worker = undefined;
      if (w) {
        const exited = new Promise<void>((done) => w.once('exit', () => done()));
        w.postMessage('stop');
        // A worker stuck in a checkpoint (a slow disk) is not waited for past a second.
        const late = setTimeout(() => void w.terminate(), 1_000);
        await exited;
        clearTimeout(late);
      }
      checkpointHere(db);
    },
  };
}
