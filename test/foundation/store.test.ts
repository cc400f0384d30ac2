import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteMessageStore } from '../../src/store/sqlite/sqlite-store.js';
import type { NewTurn } from '../../src/store/store.js';
import { waitFor } from '../helpers/wait-for.js';

/** Seeds turns the way the engine stores them: one exchange per call. */
const seed = (store: SqliteMessageStore, turn: NewTurn) =>
  store.recordExchange([turn], { platform: 'test', messageId: `seed-${turn.at.getTime()}`, at: turn.at });

/** A delivery as the engine records it at intake. */
const delivery = (platform: string, messageId: string, text = 'hello') => ({
  platform, messageId, userKey: `${platform}:u1`, payload: JSON.stringify({ id: messageId, text }),
});

const stores = {
  ':memory:': () => new SqliteMessageStore(openDatabase(':memory:')),
  'a temp file': () => new SqliteMessageStore(openDatabase(join(mkdtempSync(join(tmpdir(), 'oyster-store-')), 'bot.db'))),
};

for (const [where, make] of Object.entries(stores)) {
  describe(`the message store on ${where}`, () => {
    it('recognises a redelivered message', async () => {
      const store = make();
      const at = new Date('2026-01-01T00:00:00Z');
      expect(await store.recordInbound(delivery('telegram', '1:2'), at)).toEqual({ isNew: true });
      expect(await store.recordInbound(delivery('telegram', '1:2'), at)).toEqual({ isNew: false });
      expect(await store.recordInbound(delivery('slack', '1:2'), at)).toEqual({ isNew: true });
    });

    it('hands an unfinished message out at the next start, not to a redelivery, and drops its text once handled', async () => {
      const store = make();
      const t0 = new Date('2026-01-01T00:00:00Z');
      await store.recordInbound(delivery('discord', 'm1', 'first words'), t0);
      await store.recordInbound(delivery('discord', 'm2', 'second words'), new Date(t0.getTime() + 1));
      await store.markResources('discord', 'm2', 'due');
      // A redelivery, however late, is a duplicate: the unfinished row waits for claimUnfinished.
      expect((await store.recordInbound(delivery('discord', 'm1'), new Date(t0.getTime() + 600_000))).isNew).toBe(false);
      const claimed = await store.claimUnfinished('discord', 3, 100);
      expect(claimed.abandoned).toBe(0);
      expect(claimed.resume.map((d) => [d.messageId, JSON.parse(d.payload).text, d.resources])).toEqual([
        ['m1', 'first words', undefined], ['m2', 'second words', 'due'],
      ]);
      expect((await store.claimUnfinished('slack', 3, 100)).resume).toEqual([]);
      await store.completeInbound('discord', 'm1', new Date(t0.getTime() + 600_001));
      expect((await store.claimUnfinished('discord', 3, 100)).resume.map((d) => d.messageId)).toEqual(['m2']);
      expect((await store.recordInbound(delivery('discord', 'm1'), new Date(t0.getTime() + 9_000_000))).isNew).toBe(false);
    });

    it('gives up a message that failed every resume, so it cannot block each start', async () => {
      const store = make();
      await store.recordInbound(delivery('telegram', 'm1'), new Date());
      // A start that never got to the message does not use up a try; one that began handling it does.
      expect((await store.claimUnfinished('telegram', 2, 10)).resume).toHaveLength(1);
      for (let i = 0; i < 2; i++) {
        expect((await store.claimUnfinished('telegram', 2, 10)).resume).toHaveLength(1);
        await store.markResumeTry('telegram', 'm1');
      }
      expect(await store.claimUnfinished('telegram', 2, 10)).toEqual({ resume: [], abandoned: 1 });
      expect(await store.claimUnfinished('telegram', 2, 10)).toEqual({ resume: [], abandoned: 0 });
    });

    it('returns the newest turns of one user context, oldest first', async () => {
      const store = make();
      for (let i = 1; i <= 5; i++) {
        await seed(store, { contextKey: 'tg:1:u1', userKey: 'tg:u1', role: i % 2 ? 'user' : 'assistant', text: `t${i}`, at: new Date(i * 1000), tokens: 6 });
      }
      await seed(store, { contextKey: 'tg:1:u2', userKey: 'tg:u2', role: 'user', text: 'someone else', at: new Date(9000), tokens: 7 });
      const turns = await store.recentTurns('tg:1:u1', 3);
      expect(turns.map((t) => t.text)).toEqual(['t3', 't4', 't5']);
      expect(turns.every((t) => t.tokens === 6)).toBe(true);
    });

    it('forgets a user everywhere and exports what it stores', async () => {
      const store = make();
      await seed(store, { contextKey: 'tg:1:u1', userKey: 'tg:u1', role: 'user', text: 'hello', at: new Date(1000), tokens: 6,
        assessment: { level: 'low', reasons: ['distress:en'], policyVersion: 'abc' } });
      await seed(store, { contextKey: 'tg:2:u1', userKey: 'tg:u1', role: 'user', text: 'again', at: new Date(2000), tokens: 6 });
      await store.setPreference('tg:u1', 'country', 'DE');
      await store.setRiskState('tg:1:u1', 'high', new Date(1000));
      const exported = await store.exportUser('tg:u1');
      expect(exported.preferences).toEqual({ country: 'DE' });
      expect(exported.messages.map((m) => m.text)).toEqual(['hello', 'again']);
      expect(exported.messages[0]).toMatchObject({ level: 'low', reasons: ['distress:en'] });
      expect(await store.forgetUser('tg:u1')).toBe(4);
      expect(await store.recentTurns('tg:1:u1', 10)).toEqual([]);
      expect(await store.preference('tg:u1', 'country')).toBeUndefined();
      expect(await store.riskState('tg:1:u1')).toBeUndefined();
    });

    it('purges messages older than the retention cut-off', async () => {
      const store = make();
      await seed(store, { contextKey: 'c', userKey: 'u', role: 'user', text: 'old', at: new Date(1000), tokens: 6 });
      await seed(store, { contextKey: 'c', userKey: 'u', role: 'user', text: 'new', at: new Date(5000), tokens: 6 });
      expect(await store.purgeMessages(new Date(3000))).toBe(1);
      expect((await store.recentTurns('c', 10)).map((t) => t.text)).toEqual(['new']);
    });
  });
}

describe('a locked database file', () => {
  it('fails with a coded store error instead of hanging', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'oyster-lock-')), 'bot.db');
    const holder = openDatabase(path);
    const store = new SqliteMessageStore(openDatabase(path, { busyTimeoutMs: 50 }));
    holder.exec('BEGIN EXCLUSIVE');
    await expect(store.recordInbound(delivery('x', '1'), new Date())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    holder.exec('COMMIT');
    // Right after a fault calls fail at once for a moment (no waiting on every call); then the store serves again.
    expect(await waitFor(async () => (await store.recordInbound(delivery('x', '1'), new Date()).catch(() => undefined))?.isNew, { what: 'the store serving again' })).toBe(true);
  });
});
