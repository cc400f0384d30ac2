import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation } from '../../src/crisis/escalation.js';
import { silentLogger } from '../../src/logger.js';
import { countRows, manualClock, MINUTE, signal, testDb, type TestDb } from './helpers.js';

const DAY = 24 * 60 * MINUTE;

describe('sqlite case store', () => {
  let t: TestDb;
  afterEach(() => t?.db.close());

  const world = () => {
    t = testDb();
    const clock = manualClock();
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: ['webhook'], policy: t.policy, clock, logger: silentLogger });
    return { clock, escalation };
  };

  it('hands a due row to one claimant only and marks it delivered exactly once', async () => {
    const { clock, escalation } = world();
    await escalation.raise(signal('high'));
    const [row] = await t.cases.claimDue(clock.now(), MINUTE, 10);
    expect(row).toMatchObject({ sink: 'webhook', attempts: 1, alert: { kind: 'new', level: 'high', country: 'DE' } });
    expect(await t.cases.claimDue(clock.now(), MINUTE, 10)).toEqual([]);
    expect(await t.cases.markDelivered(row!.id, 'ref-1', clock.now())).toBe(true);
    expect(await t.cases.markDelivered(row!.id, 'ref-2', clock.now())).toBe(false);
    clock.advance(2 * MINUTE);
    expect(await t.cases.claimDue(clock.now(), MINUTE, 10)).toEqual([]);
    expect(t.db.prepare('SELECT ref FROM alert_outbox').get()).toEqual({ ref: 'ref-1' });
  });

  it('lets an expired claim be taken again, so a hung send cannot strand an alert', async () => {
    const { clock, escalation } = world();
    await escalation.raise(signal('high'));
    await t.cases.claimDue(clock.now(), MINUTE, 10);
    clock.advance(MINUTE);
    const [again] = await t.cases.claimDue(clock.now(), MINUTE, 10);
    expect(again?.attempts).toBe(2);
  });

  it("erases the user's identity and excerpts on forget, keeping the audit fields the policy names", async () => {
    const { clock, escalation } = world();
    const input = signal('high', { excerpt: 'words the user wrote' });
    const { caseId } = await escalation.raise(input);
    await t.cases.applyAction({ kind: 'note', caseId: caseId!, actor: 'telegram:9', actorName: 'mod', at: clock.now(), note: 'called them', updateSinks: [] });

    expect(await t.cases.forgetUser(input.userKey, t.policy.forgetKeepsAuditFields)).toBe(1);
    const c = await t.cases.getCase(caseId!);
    expect(c).toMatchObject({ userKey: `forgotten:${caseId}`, excerpt: '', user: { id: '', displayName: '' }, level: 'high' });
    expect(await t.cases.activeCase(input.userKey, c!.conversationKey)).toBeUndefined();
    const audit = await t.cases.auditLog(caseId!);
    expect(audit.find((e) => e.action === 'note')).toMatchObject({ actor: 'telegram:9', at: clock.now(), note: undefined, policyVersion: 'pv-test-1', detail: {} });
    const row = t.db.prepare('SELECT payload_json, delivered_at, ref FROM alert_outbox').get() as { payload_json: string; delivered_at: string | null; ref: string };
    expect(row.payload_json).not.toContain('words the user wrote');
    expect(row.payload_json).not.toContain('"sam"');
    expect(JSON.parse(row.payload_json)).toMatchObject({ user: { id: '', displayName: '' }, excerpt: '', conversation: { channelId: '' } });
    // Not yet delivered: cancelled, since an alert about nobody gives moderators nothing to act on.
    expect(row).toMatchObject({ ref: 'cancelled: forgotten' });
    expect(row.delivered_at).not.toBeNull();
    expect(await t.cases.claimDue(new Date(clock.now().getTime() + 3_600_000), 60_000, 10)).toEqual([]);
    expect(countRows(t.db, 'case_signals')).toBe(0);
  });

  it('purges resolved cases past retention but never one with an undelivered alert', async () => {
    const { clock, escalation } = world();
    const a = await escalation.raise(signal('moderate', { user: { id: '1', displayName: 'a' }, userKey: 'telegram:1' }));
    const b = await escalation.raise(signal('moderate', { user: { id: '2', displayName: 'b' }, userKey: 'telegram:2' }));
    for (const row of await t.cases.claimDue(clock.now(), MINUTE, 10)) {
      if (row.caseId === a.caseId) await t.cases.markDelivered(row.id, undefined, clock.now());
    }
    for (const id of [a.caseId!, b.caseId!]) {
      await t.cases.applyAction({ kind: 'resolve', caseId: id, actor: 'telegram:9', actorName: 'mod', at: clock.now(), updateSinks: [] });
    }
    clock.advance(91 * DAY);
    const before = new Date(clock.now().getTime() - t.policy.caseRetentionDays * DAY);
    expect(await t.cases.purgeResolved(before)).toBe(1);
    expect(await t.cases.getCase(a.caseId!)).toBeUndefined();
    expect(await t.cases.getCase(b.caseId!)).toBeDefined();
    expect(countRows(t.db, 'case_events')).toBe(2); // b's opened + resolve; a's audit went with it
  });
});
