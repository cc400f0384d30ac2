/**
 * Store faults on a real database file (issue 17 item 3), with the real bot around a FakeAdapter:
 *   - a lock held by another process (a separate node process holding BEGIN EXCLUSIVE);
 *   - a full disk (the database on a small tmpfs, filled up);
 *   - a read-only database file (a read-only bind mount of the file itself: root ignores file
 *     modes, a read-only mount it cannot ignore).
 * In each: the process never crashes and the event loop never stalls, a crisis message still
 * gets its resources at once, anyone else is told the bot cannot reply now, the readiness check
 * names the fault, and the case and its alert are written from the journal once the store is
 * back. Mounting needs root (CAP_SYS_ADMIN); without it those two tests say so and skip.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readinessChecks } from '../../src/ops/readiness.js';
import { waitFor } from '../helpers/wait-for.js';
import { HIGH, stateCounts, startWorld, SUPPORTIVE, type World } from './world.js';

let world: World | undefined;
let cleanup: Array<() => void> = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const step of cleanup.reverse()) {
    try { step(); } catch { /* already undone */ }
  }
  cleanup = [];
});

const ORDINARY = 'what is a good name for a cat?';

/**
 * Starts a process that takes the write lock; resolves once it holds it. It holds the lock until
 * the test calls `release()` (the holder's stdin closes), however long the test's checks take on
 * a loaded machine, and `release()` resolves when it has let go.
 */
async function lockFile(dbPath: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    process.stdin.resume();
    process.stdin.on('end', () => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); });
  `;
  const child = spawn(process.execPath, ['-e', script, dbPath], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const released = new Promise<void>((done) => child.once('close', () => done()));
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) done();
    });
    child.once('close', () => fail(new Error(`lock holder exited early: ${out}`)));
  });
  return {
    release: () => {
      child.stdin.end();
      return released;
    },
  };
}

/** The longest gap between 5 ms timer ticks while `work` runs: how long the event loop was blocked. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  try {
    const value = await work();
    return { value, stallMs };
  } finally {
    clearInterval(ticker);
  }
}

async function databaseReadiness(w: World) {
  const [check] = readinessChecks({ database: w.bot.store, adapters: () => [], model: { check: async () => ({ ok: true, reason: 'ok' }) } as never });
  return check!.run();
}

/** Why mounting is impossible here, or undefined when it works. */
function mountUnavailable(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'oyster-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount failed (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}); these tests need root`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const noMount = mountUnavailable();
const mountTest = (name: string) => (noMount ? `${name} (skipped: ${noMount})` : name);

describe('a lock held by another process', () => {
  it('never stalls the event loop, sends resources at once, tells others it cannot reply, and writes the case and alert once the lock is gone', async () => {
    world = await startWorld({ reply: () => SUPPORTIVE });
    const w = world;
    // The lock is held until every check below is done, so a loaded machine cannot pass a bot
    // that waited for it, nor fail one that did not.
    const lock = await lockFile(w.dbPath);

    const started = performance.now();
    const { stallMs } = await longestStall(async () => {
      await w.adapter.receive({ id: 'crisis-1', text: HIGH, userId: 'u1' });
      await w.adapter.receive({ id: 'plain-1', text: ORDINARY, userId: 'u2' });
      await w.adapter.receive({ id: 'plain-de', text: 'Kannst du mir bitte ein gutes Rezept für einen Apfelkuchen empfehlen?', userId: 'u4' });
    });
    const tookMs = performance.now() - started;
    // Resources to u1, the cannot-reply notice to u2 and u4, no model answer to anyone.
    expect(w.adapter.sent.map((m) => [m.conversation.channelId, m.kind])).toEqual([['dm-u1', 'resources'], ['dm-u2', 'notice'], ['dm-u4', 'notice']]);
    expect(w.adapter.textsIn('dm-u2')[0]).toMatch(/can't reply right now/);
    // In the person's own language (no stored choice can be read: the message decides).
    expect(w.adapter.textsIn('dm-u4')[0]).toMatch(/kann gerade nicht antworten/);
    expect(tookMs).toBeLessThan(6_000);
    // A statement that waited out the lock would stall the loop for seconds; 1 s leaves room for a
    // process that the OS did not schedule for a while on a loaded 2-core machine.
    expect(stallMs).toBeLessThan(1_000);
    expect(w.bot.storeFault()?.code).toMatch(/^SQLITE_BUSY/);
    expect(await databaseReadiness(w)).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_BUSY/) });
    expect(w.bot.journaledCases()).toBe(1);
    expect(existsSync(`${w.dbPath}.pending-cases.jsonl`)).toBe(true);
    expect(w.logs.text()).not.toContain('killing myself');

    await lock.release();
    await waitFor(() => w.bot.journaledCases() === 0, { what: 'the journaled case written', timeoutMs: 15_000 });
    await w.bot.drainAlerts();
    expect(w.sink.alerts.map((a) => [a.kind, a.level, a.user.id])).toEqual([['new', 'high', 'u1']]);
    expect(stateCounts(w.dbPath)).toMatchObject({ cases: 1, alerts: 1 });
    expect(existsSync(`${w.dbPath}.pending-cases.jsonl`)).toBe(false);
    expect(await databaseReadiness(w)).toMatchObject({ ok: true });
    expect(w.bot.storeFault()).toBeUndefined();
  }, 60_000);
});

describe('a full disk', () => {
  it.skipIf(noMount)(mountTest('keeps the process up, sends resources, and writes the case once space is free again'), async () => {
    const mountDir = mkdtempSync(join(tmpdir(), 'oyster-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountDir]);
    cleanup.push(() => execFileSync('umount', ['-l', mountDir]));
    const dbPath = join(mountDir, 'bot.db');
    world = await startWorld({ reply: () => SUPPORTIVE, dbPath });
    const w = world;
    await w.adapter.receive({ id: 'before', text: 'hello before the disk fills', userId: 'u3' });
    // Fill what is left of the tmpfs.
    const filler = join(mountDir, 'filler');
    try { writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024)); } catch (error) { expect((error as { code?: string }).code).toBe('ENOSPC'); }

    const { stallMs } = await longestStall(async () => {
      await w.adapter.receive({ id: 'crisis-full', text: HIGH, userId: 'u1' });
      await w.adapter.receive({ id: 'plain-full', text: ORDINARY, userId: 'u2' });
    });
    expect(w.adapter.sent.filter((m) => m.conversation.channelId !== 'dm-u3').map((m) => [m.conversation.channelId, m.kind]))
      .toEqual([['dm-u1', 'resources'], ['dm-u2', 'notice']]);
    expect(stallMs).toBeLessThan(1_000);
    expect(w.bot.storeFault()?.code).toMatch(/^SQLITE_FULL/);
    expect(await databaseReadiness(w)).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_FULL/) });
    // The journal is on the same full disk: it gives back the reserve it kept and writes the
    // case into that space, so a crash now would not lose it (issue 17 item 5).
    expect(w.bot.journaledCases()).toBe(1);
    expect(w.logs.lines.some((l) => l.msg === 'disk full: the case journal used its reserve space')).toBe(true);
    expect(readFileSync(`${dbPath}.pending-cases.jsonl`, 'utf8')).toContain('"messageId":"crisis-full"');

    rmSync(filler);
    await waitFor(() => w.bot.journaledCases() === 0, { what: 'the journaled case written', timeoutMs: 15_000 });
    await w.bot.drainAlerts();
    expect(w.sink.alerts.map((a) => [a.kind, a.user.id])).toEqual([['new', 'u1']]);
    await waitFor(async () => (await databaseReadiness(w)).ok, { what: 'readiness back', timeoutMs: 10_000 });
  }, 60_000);
});

describe('a read-only database file', () => {
  it.skipIf(noMount)(mountTest('starts and answers crisis messages with resources, says why it is not ready, and writes the journaled case at the next start with a writable file'), async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oyster-ro-'));
    const dbPath = join(dir, 'bot.db');
    // A first run creates the database; then the file is mounted read-only over itself.
    world = await startWorld({ reply: () => SUPPORTIVE, dbPath });
    await world.close();
    world = undefined;
    execFileSync('mount', ['--bind', dbPath, dbPath]);
    execFileSync('mount', ['-o', 'remount,ro,bind', dbPath]);
    let mounted = true;
    // Lazy: a bot that failed to start may still hold the file open.
    cleanup.push(() => { if (mounted) execFileSync('umount', ['-l', dbPath]); });

    world = await startWorld({ reply: () => SUPPORTIVE, dbPath });
    const w = world;
    await w.adapter.receive({ id: 'crisis-ro', text: HIGH, userId: 'u1' });
    await w.adapter.receive({ id: 'plain-ro', text: ORDINARY, userId: 'u2' });
    expect(w.adapter.sent.map((m) => [m.conversation.channelId, m.kind])).toEqual([['dm-u1', 'resources'], ['dm-u2', 'notice']]);
    expect(await databaseReadiness(w)).toMatchObject({ ok: false, reason: expect.stringMatching(/^SQLITE_READONLY/) });
    expect(existsSync(`${dbPath}.pending-cases.jsonl`)).toBe(true);
    await w.close();
    world = undefined;

    execFileSync('umount', [dbPath]);
    mounted = false;
    world = await startWorld({ reply: () => SUPPORTIVE, dbPath });
    const again = world;
    await waitFor(() => again.bot.journaledCases() === 0 && stateCounts(dbPath).cases === 1, { what: 'the journaled case written at start', timeoutMs: 15_000 });
    await again.bot.drainAlerts();
    expect(again.sink.alerts.map((a) => [a.kind, a.user.id])).toEqual([['new', 'u1']]);
    expect(existsSync(`${dbPath}.pending-cases.jsonl`)).toBe(false);
  }, 60_000);
});

