/**
 * WAL checkpoints run in a worker thread (src/store/sqlite/checkpoints.ts), so the event loop
 * never waits for a checkpoint's copy and fsync. Real SQLite files in a temp folder.
 */
import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpoints, type Checkpoints } from '../../src/store/sqlite/checkpoints.js';
import { openDatabase, type Database } from '../../src/store/sqlite/database.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string | undefined;
let db: Database.Database | undefined;
let checkpoints: Checkpoints | undefined;
afterEach(async () => {
  await checkpoints?.stop();
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  [dir, db, checkpoints] = [undefined, undefined, undefined];
});

/** A database whose WAL holds a few hundred pages that no checkpoint has copied yet. */
function databaseWithFullLog(): { path: string; db: Database.Database } {
  dir = mkdtempSync(join(tmpdir(), 'oyster-checkpoints-'));
  const path = join(dir, 'bot.db');
  db = openDatabase(path, { migrate: false, manualCheckpoints: true });
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(400));
  })();
  return { path, db };
}

/** Blocks this thread (no event loop turn at all) until `done` or the deadline. */
function blockUntil(done: () => boolean, deadlineMs: number): boolean {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (done()) return true;
    Atomics.wait(cell, 0, 0, 5);
  }
  return done();
}

describe('WAL checkpoints', () => {
  it('copy the log into the database file while the event loop is blocked, because a worker thread runs them', () => {
    const { path, db: opened } = databaseWithFullLog();
    const before = statSync(path).size;
    checkpoints = startCheckpoints(opened, 10);
    expect(checkpoints.where).toBe('worker');
    // No timer of this thread can fire during the wait: only another thread can grow the file.
    const grew = blockUntil(() => statSync(path).size > before, 30_000);
    expect(grew).toBe(true);
    expect(opened.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2_000 });
  });

  it('fall back to the main thread when the worker cannot open the file', async () => {
    const { path, db: opened } = databaseWithFullLog();
    // The open connection keeps working on the unlinked file; a new one cannot find it.
    unlinkSync(path);
    checkpoints = startCheckpoints(opened, 10);
    await waitFor(() => checkpoints!.where === 'main', { what: 'the fallback to the main thread' });
    expect(opened.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2_000 });
  });

  it('run on the main thread for an in-memory database, which no other connection can open', () => {
    db = openDatabase(':memory:', { migrate: false });
    checkpoints = startCheckpoints(db, 10);
    expect(checkpoints.where).toBe('main');
  });

  it('stop with one last checkpoint that empties the log into the file', async () => {
    const { path, db: opened } = databaseWithFullLog();
    const before = statSync(path).size;
    checkpoints = startCheckpoints(opened, 60_000);
    await checkpoints.stop();
    checkpoints = undefined;
    expect(statSync(path).size).toBeGreaterThan(before);
  });
});
