/**
 * The message-store contract: what the engine relies on from any MessageStore (SQLite or
 * PostgreSQL). Each case runs against both stores (sqlite-contract.test.ts, pg-contract.test.ts).
 */
import { afterEach, expect, it } from 'vitest';
import type { NewTurn } from '../../src/store/store.js';
import type { StoreFactory, StoreSet } from './stores.js';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const delivery = (platform: string, messageId: string, text = 'hello') => ({
  platform, messageId, userKey: `${platform}:u1`, payload: JSON.stringify({ id: messageId, text }),
});

const turn = (contextKey: string, text: string, ms: number, extra: Partial<NewTurn> = {}): NewTurn => ({
  contextKey, userKey: 'telegram:u1', role: 'user', text, at: at(ms), tokens: 3, ...extra,
});

export function messageStoreContract(make: StoreFactory): void {
  let s: StoreSet;
  afterEach(async () => s?.close());

  it('records a delivery once: a redelivery on any platform key is a duplicate', async () => {
    s = await make();
    expect(await s.messages.recordInbound(delivery('telegram', '1:2'), T0)).toEqual({ isNew: true });
    expect(await s.messages.recordInbound(delivery('telegram', '1:2'), at(5))).toEqual({ isNew: false });
    expect(await s.messages.recordInbound(delivery('slack', '1:2'), T0)).toEqual({ isNew: true });
  });

  it('admits exactly one of many concurrent recordings of the same delivery', async () => {
    s = await make();
    const results = await Promise.all(Array.from({ length: 12 }, () => s.messages.recordInbound(delivery('slack', 'race'), T0)));
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
  });

  it('hands unfinished deliveries out oldest first with their resource mark, and drops the text once handled', async () => {
    s = await make();
    await s.messages.recordInbound(delivery('discord', 'm1', 'first words'), T0);
    await s.messages.recordInbound(delivery('discord', 'm2', 'second words'), at(1));
    await s.messages.markResources('discord', 'm2', 'due');
    const claimed = await s.messages.claimUnfinished('discord', 3, 100);
    expect(claimed.abandoned).toBe(0);
    expect(claimed.resume.map((d) => [d.messageId, JSON.parse(d.payload).text, d.resources])).toEqual([
      ['m1', 'first words', undefined], ['m2', 'second words', 'due'],
    ]);
    await s.messages.completeInbound('discord', 'm1', at(10));
    // On PostgreSQL the takeover pass runs every few seconds, so the same run must never take again
    // what it is handling (SQLite claims only at start). The next run (a restart) takes what is left.
    if (s.dialect === 'postgres') expect((await s.messages.claimUnfinished('discord', 3, 100)).resume).toEqual([]);
    expect((await s.nextRun().claimUnfinished('discord', 3, 100)).resume.map((d) => d.messageId)).toEqual(['m2']);
    expect((await s.nextRun().claimUnfinished('slack', 3, 100)).resume).toEqual([]);
  });

  it('gives up a delivery that failed every resumed try', async () => {
    s = await make();
    await s.messages.recordInbound(delivery('telegram', 'm1'), T0);
    // Each run (a restart after a crash mid-message) tries it once; past the limit it is given up.
    for (let i = 0; i < 2; i++) {
      const run = s.nextRun();
      expect((await run.claimUnfinished('telegram', 2, 10)).resume).toHaveLength(1);
      await run.markResumeTry('telegram', 'm1');
    }
    expect(await s.nextRun().claimUnfinished('telegram', 2, 10)).toEqual({ resume: [], abandoned: 1 });
    expect(await s.nextRun().claimUnfinished('telegram', 2, 10)).toEqual({ resume: [], abandoned: 0 });
  });

  it('keeps trying a delivery past its tries while it is younger than the give-up age', async () => {
    s = await make();
    const justNow = new Date();
    await s.messages.recordInbound(delivery('telegram', 'fresh'), justNow);
    for (let i = 0; i < 3; i++) {
      const run = s.nextRun();
      expect((await run.claimUnfinished('telegram', 2, 10, 10 * 60_000)).resume.map((d) => d.messageId)).toEqual(['fresh']);
      await run.markResumeTry('telegram', 'fresh');
    }
    // Old enough now (an age of 0 ms): past the tries it is given up.
    expect(await s.nextRun().claimUnfinished('telegram', 2, 10, 0)).toEqual({ resume: [], abandoned: 1 });
  });

  it('counts resumed tries, not starts: runs killed before trying a message do not use up its limit', async () => {
    s = await make();
    await s.messages.recordInbound(delivery('telegram', 'm1'), T0);
    for (let i = 0; i < 5; i++) expect((await s.nextRun().claimUnfinished('telegram', 2, 10)).resume).toHaveLength(1);
    const run = s.nextRun();
    expect(await run.claimUnfinished('telegram', 2, 10)).toEqual({ resume: [expect.objectContaining({ messageId: 'm1' })], abandoned: 0 });
  });

  it('stores an exchange and completes its delivery in one unit, and returns the newest turns oldest first', async () => {
    s = await make();
    await s.messages.recordInbound(delivery('telegram', 'x1'), T0);
    for (let i = 0; i < 5; i++) {
      await s.messages.recordExchange(
        [turn('telegram:c1:u1', `q${i}`, i * 10, { assessment: { level: 'low', reasons: ['r1'], policyVersion: 'pv' } }),
          turn('telegram:c1:u1', `a${i}`, i * 10 + 1, { role: 'assistant', tokens: 7 })],
        { platform: 'telegram', messageId: 'x1', at: at(100) },
      );
    }
    await s.messages.recordExchange([turn('telegram:c2:u1', 'elsewhere', 5)], { platform: 'telegram', messageId: 'x1', at: at(100) });
    const recent = await s.messages.recentTurns('telegram:c1:u1', 3);
    expect(recent.map((t) => [t.role, t.text, t.tokens])).toEqual([['assistant', 'a3', 7], ['user', 'q4', 3], ['assistant', 'a4', 7]]);
    expect(recent[2]!.at).toEqual(at(41));
    expect((await s.messages.claimUnfinished('telegram', 3, 10)).resume).toEqual([]);
  });

  it('keeps the standing risk level and preferences, overwriting and deleting', async () => {
    s = await make();
    expect(await s.messages.riskState('telegram:c1:u1')).toBeUndefined();
    await s.messages.setRiskState('telegram:c1:u1', 'moderate', T0);
    await s.messages.setRiskState('telegram:c1:u1', 'high', at(60_000));
    expect(await s.messages.riskState('telegram:c1:u1')).toEqual({ level: 'high', at: at(60_000) });
    await s.messages.setPreference('telegram:u1', 'country', 'DE');
    await s.messages.setPreference('telegram:u1', 'country', 'FR');
    expect(await s.messages.preference('telegram:u1', 'country')).toBe('FR');
    await s.messages.setPreference('telegram:u1', 'country', undefined);
    expect(await s.messages.preference('telegram:u1', 'country')).toBeUndefined();
  });

  it("exports and then forgets one person's turns, preferences and risk levels, and nobody else's", async () => {
    s = await make();
    await s.messages.recordExchange([turn('telegram:c1:u1', 'mine', 1, { assessment: { level: 'moderate', reasons: ['x'], policyVersion: 'pv' } })],
      { platform: 'telegram', messageId: 'n/a', at: T0 });
    await s.messages.recordExchange([turn('telegram:c1:u2', 'theirs', 2, { userKey: 'telegram:u2' })], { platform: 'telegram', messageId: 'n/a', at: T0 });
    await s.messages.setPreference('telegram:u1', 'country', 'DE');
    await s.messages.setRiskState('telegram:c1:u1', 'moderate', T0);
    await s.messages.setRiskState('telegram:c1:u2', 'low', T0);
    const exported = await s.messages.exportUser('telegram:u1');
    expect(exported).toEqual({
      userKey: 'telegram:u1',
      preferences: { country: 'DE' },
      messages: [{ role: 'user', text: 'mine', at: at(1).toISOString(), level: 'moderate', reasons: ['x'] }],
      riskLevels: [{ context: 'telegram:c1:u1', level: 'moderate', at: T0.toISOString() }],
    });
    await s.messages.setPreference('telegram:c1:u1', 'handoff', '1');
    await s.messages.recordInbound(delivery('telegram', 'in-1'), T0);
    // Turn, both preferences, risk level and the intake row.
    expect(await s.messages.forgetUser('telegram:u1')).toBe(5);
    expect(await s.messages.preference('telegram:c1:u1', 'handoff')).toBeUndefined();
    expect(await s.messages.recordInbound(delivery('telegram', 'in-1'), T0)).toEqual({ isNew: true });
    expect(await s.messages.recentTurns('telegram:c1:u1', 10)).toEqual([]);
    expect((await s.messages.recentTurns('telegram:c1:u2', 10)).map((t) => t.text)).toEqual(['theirs']);
    expect(await s.messages.riskState('telegram:c1:u2')).toBeDefined();
  });

  it('purges turns older than the retention cut and keeps newer ones', async () => {
    s = await make();
    await s.messages.recordExchange([turn('telegram:c1:u1', 'old', 0), turn('telegram:c1:u1', 'new', 10_000)],
      { platform: 'telegram', messageId: 'n/a', at: T0 });
    expect(await s.messages.purgeMessages(at(5_000))).toBe(1);
    expect((await s.messages.recentTurns('telegram:c1:u1', 10)).map((t) => t.text)).toEqual(['new']);
    await s.messages.ping();
  });
}
