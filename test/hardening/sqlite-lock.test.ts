/**
 * The SQLite file locked by another process: a separate node process opens the same file
 * with better-sqlite3 and holds BEGIN EXCLUSIVE for a while, as a backup tool or an operator's
 * sqlite3 shell might. The bot waits up to its busy timeout (5 s, src/store/database.ts).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HIGH, stateCounts, startWorld, SUPPORTIVE, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Starts a process that takes the write lock; resolves once it holds it. It releases after `holdMs` on its own. */
async function lockFileFor(dbPath: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, dbPath, String(holdMs)], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const released = new Promise<void>((done) => child.once('close', () => done()));
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) done();
    });
    child.once('close', () => fail(new Error(`lock holder exited early: ${out}`)));
  });
  return { released };
}

describe('the SQLite file locked by another process', () => {
  it('handles a crisis message in full once a short lock is gone, stalling the process meanwhile', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    const w = world;
    const lock = await lockFileFor(w.dbPath, 1_200);
    // better-sqlite3 is synchronous: while it waits for the lock, nothing else on the event loop runs.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    const started = performance.now();
    await w.adapter.receive({ text: HIGH });
    const took = performance.now() - started;
    clearInterval(ticker);
    await lock.released;

    expect(took).toBeGreaterThan(900);
    expect(ticks).toBeLessThan(took / 50 / 2);
    expect(w.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'reply']);
    await w.bot.drainAlerts();
    expect(w.sink.alerts).toHaveLength(1);
    expect(stateCounts(w.dbPath)).toMatchObject({ processed_messages: 1, cases: 1, alerts: 1, turns: 2 });
  });

  it('still sends resources past the busy timeout, logs a coded STORE_UNAVAILABLE, leaves no half state, and opens the case on redelivery', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    const w = world;
    const lock = await lockFileFor(w.dbPath, 6_000);
    await w.adapter.receive({ id: 'locked-1', text: HIGH });
    // The database cannot record anything, but the screen and the directory need no state:
    // the user gets resources at once; the case waits for the platform's redelivery.
    expect(w.adapter.sent.map((m) => m.kind)).toEqual(['resources']);
    const failed = w.logs.lines.filter((l) => l.msg === 'message handling failed');
    expect(failed.map((l) => l.code)).toEqual(['STORE_UNAVAILABLE']);
    expect(w.logs.lines.filter((l) => String(l.msg).startsWith('crisis resources sent without a case')).map((l) => l.code)).toEqual(['ESCALATION_NOTIFY_FAILED']);
    expect(w.logs.text()).not.toContain('killing myself');
    await lock.released;
    // Nothing was recorded, so the platform's redelivery is not mistaken for a duplicate.
    expect(stateCounts(w.dbPath)).toMatchObject({ processed_messages: 0, cases: 0, alerts: 0, turns: 0 });

    await w.adapter.receive({ id: 'locked-1', text: HIGH });
    await w.adapter.receive({ id: 'locked-1', text: HIGH });
    expect(w.adapter.sent.map((m) => m.kind)).toEqual(['resources', 'resources', 'reply']);
    await w.bot.drainAlerts();
    expect(w.sink.alerts).toHaveLength(1);
    expect(stateCounts(w.dbPath)).toMatchObject({ processed_messages: 1, cases: 1, alerts: 1 });
  }, 60_000); // a 6 s lock plus the 5 s busy timeout, with room for a busy machine
});
