/**
 * What several instances on one PostgreSQL rely on: leases that pass on when a holder dies,
 * a person's messages handled in arrival order across instances, and unfinished deliveries
 * resumed by their own instance or once their owner is gone, never while it is alive.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPgStores, type PgStores } from '../../src/store/pg/index.js';
import { PgMessageStore } from '../../src/store/pg/pg-message-store.js';
import { listen } from '../../src/store/pg/pg-listen.js';
import { TURNS_CHANNEL } from '../../src/store/pg/pg-message-store.js';
import { createTurnOrder, TurnBell } from '../../src/store/pg/pg-turn-order.js';
import { describePg, freshDatabase } from './pg-env.js';

const delivery = (messageId: string, user = 'telegram:u1') => ({ platform: 'telegram', messageId, userKey: user, payload: '{}' });

describePg('several instances on one PostgreSQL', (serverUrl) => {
  let s: PgStores;
  let a: PgMessageStore;
  let b: PgMessageStore;
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase(serverUrl);
    s = await openPgStores(url, 'a', { maxConnections: 6 });
    a = new PgMessageStore(s.db, 'a');
    b = new PgMessageStore(s.db, 'b');
  });
  afterAll(async () => s?.close());

  it('gives a lease to one holder at a time and to the next one once it lapses or is released', async () => {
    const t0 = new Date('2026-05-01T10:00:00Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    const grabs = await Promise.all(['x', 'y', 'z'].map((h) => s.leases.acquire('telegram-poller', h, 1_000, t0)));
    expect(grabs.filter(Boolean)).toHaveLength(1);
    const holder = await s.leases.holder('telegram-poller', t0);
    const other = ['x', 'y', 'z'].find((h) => h !== holder)!;
    expect(await s.leases.acquire('telegram-poller', holder!, 1_000, later(500))).toBe(true); // renewal
    expect(await s.leases.acquire('telegram-poller', other, 1_000, later(1_400))).toBe(false);
    expect(await s.leases.acquire('telegram-poller', other, 1_000, later(1_500))).toBe(true); // lapsed
    await s.leases.release('telegram-poller', holder!); // not the holder any more: no effect
    expect(await s.leases.holder('telegram-poller', later(1_600))).toBe(other);
    await s.leases.release('telegram-poller', other);
    expect(await s.leases.holder('telegram-poller', later(1_600))).toBeUndefined();
  });

  it("waits for a person's earlier message on another live instance, and not for other people's", async () => {
    await s.leases.acquire('instance:a', 'a', 60_000);
    await a.recordInbound(delivery('o1'), new Date(1_000));
    await b.recordInbound(delivery('o2'), new Date(2_000));
    await b.recordInbound(delivery('o3', 'telegram:someone-else'), new Date(3_000));
    expect(await b.isNextForUser('telegram', 'o2')).toBe(false);
    expect(await b.isNextForUser('telegram', 'o3')).toBe(true);
    const order = createTurnOrder(b, { maxWaitMs: 60_000 });
    const waiting = order.waitTurn('telegram', 'o2');
    let done = false;
    void waiting.then(() => (done = true));
    // Still held after several round trips of its own polling: o1 is unfinished on a live instance.
    for (let i = 0; i < 3; i++) expect(await b.isNextForUser('telegram', 'o2')).toBe(false);
    expect(done).toBe(false);
    await a.completeInbound('telegram', 'o1', new Date(4_000));
    await expect(waiting).resolves.toMatchObject({ timedOut: false });
  });

  it("hands a dead instance's message to a survivor, which handles it before the person's next one", async () => {
    await s.leases.acquire('instance:c', 'c', 60_000);
    const c = new PgMessageStore(s.db, 'c');
    // Real times: b's own deliveries received after it opened are in flight, never leftovers.
    const now = Date.now();
    await c.recordInbound(delivery('d1', 'telegram:u9'), new Date(now));
    await b.recordInbound(delivery('d2', 'telegram:u9'), new Date(now + 1));
    expect(await b.isNextForUser('telegram', 'd2')).toBe(false);
    // c is alive: b must not take its message, nor its own message that it is handling now.
    const whileAlive = (await b.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId);
    expect(whileAlive).not.toContain('d1');
    expect(whileAlive).not.toContain('d2');
    // c dies: its heartbeat lease is gone (lapsed or released). The queue still waits for d1 ...
    await s.leases.release('instance:c', 'c');
    expect(await b.isNextForUser('telegram', 'd2')).toBe(false);
    // ... until a survivor takes it over and finishes it.
    await s.leases.acquire('instance:b', 'b', 60_000);
    expect((await b.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).toContain('d1');
    expect((await c.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).not.toContain('d1');
    await b.completeInbound('telegram', 'd1', new Date(now + 2));
    expect(await b.isNextForUser('telegram', 'd2')).toBe(true);
  });

  it("wakes a waiting message by the notification of the person's completed message, not by polling", async () => {
    await s.leases.acquire('instance:a', 'a', 60_000);
    const bell = new TurnBell();
    let rung = 0;
    const listener = listen(url, TURNS_CHANNEL, (userKey) => {
      rung++;
      bell.ring(userKey);
    });
    try {
      // The listening connection is up once a notification of our own comes back.
      await s.db.sql.run(`SELECT pg_notify('${TURNS_CHANNEL}', 'probe')`);
      const deadline = Date.now() + 20_000;
      while (rung === 0 && Date.now() < deadline) await s.db.sql.run(`SELECT pg_notify('${TURNS_CHANNEL}', 'probe'), pg_sleep(0.05)`);
      await a.recordInbound(delivery('n1', 'telegram:u5'), new Date(10_000));
      await b.recordInbound(delivery('n2', 'telegram:u5'), new Date(11_000));
      // A fallback poll of ten minutes: only the notification can end this wait within the test.
      const waiting = createTurnOrder(b, { bell, fallbackMs: 600_000, maxWaitMs: 600_000 }).waitTurn('telegram', 'n2');
      await a.completeInbound('telegram', 'n1', new Date(12_000));
      await expect(waiting).resolves.toMatchObject({ timedOut: false });
    } finally {
      await listener.close();
    }
  });

  it('hands a message whose handling failed on a live instance back to the next takeover pass', async () => {
    await s.leases.acquire('instance:b', 'b', 60_000);
    await b.recordInbound(delivery('f1', 'telegram:u6'), new Date());
    // In flight on a live instance: nobody takes it ...
    expect((await a.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).not.toContain('f1');
    expect((await b.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).not.toContain('f1');
    // ... until its handling failed and it was released: then one pass takes it, once.
    await createTurnOrder(b).release('telegram', 'f1');
    const taken = (await b.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId);
    expect(taken).toContain('f1');
    expect((await a.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).not.toContain('f1');
  });

  it('takes a restarted instance\'s leftovers once, not again on every takeover pass while it handles them', async () => {
    const before = new PgMessageStore(s.db, 'e');
    await before.recordInbound(delivery('r1', 'telegram:u7'), new Date(Date.now() - 1_000));
    // The same instance id after a restart: its leftovers are its own to resume at once.
    await new Promise((r) => setTimeout(r, 5));
    const after = new PgMessageStore(s.db, 'e');
    await s.leases.acquire('instance:e', 'e', 60_000);
    expect((await after.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).toContain('r1');
    // Still being handled: the next pass (every few seconds on PostgreSQL) must leave it alone.
    expect((await after.claimUnfinished('telegram', 3, 100)).resume.map((d) => d.messageId)).not.toContain('r1');
    await after.markResumeTry('telegram', 'r1');
    await after.completeInbound('telegram', 'r1', new Date());
    expect(await s.db.sql.one<{ resumes: number }>("SELECT resumes FROM processed_messages WHERE message_id = 'r1'")).toEqual({ resumes: 1 });
  });
});
