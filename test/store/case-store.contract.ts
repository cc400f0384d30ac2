/**
 * The case-store contract: cases, the audit log and the alert outbox, on any CaseStore. The
 * concurrency cases matter most for PostgreSQL, where several instances share the tables; on
 * SQLite they hold because each call is one transaction on one connection.
 */
import { afterEach, expect, it } from 'vitest';
import type { CaseSignal } from '../../src/store/case-store.js';
import type { RiskLevel } from '../../src/messages.js';
import type { StoreFactory, StoreSet } from './stores.js';

export const T0 = new Date('2026-05-01T10:00:00.000Z');
export const MINUTE = 60_000;
export const at = (ms: number) => new Date(T0.getTime() + ms);

let nextMessage = 0;

/** One at-risk message from user `userId` in a Telegram group. */
export function signal(level: RiskLevel, over: Partial<CaseSignal> & { userId?: string } = {}): CaseSignal {
  const userId = over.userId ?? '501';
  return {
    userKey: `telegram:${userId}`,
    conversationKey: 'telegram:-100',
    conversation: { platform: 'telegram', channelId: '-100' },
    isDirect: false,
    user: { id: userId, displayName: 'sam' },
    level,
    reasons: [`rule.${level}`],
    excerpt: 'words the user wrote',
    country: 'DE',
    resourcesSent: [],
    reachedPrivately: true,
    policyVersion: 'pv-1',
    messageId: `m${++nextMessage}`,
    at: T0,
    priority: level === 'imminent' ? 'urgent' : 'high',
    realertAt: at(15 * MINUTE),
    sinks: ['webhook', 'discord'],
    ...over,
  };
}

export function caseStoreContract(make: StoreFactory): void {
  let s: StoreSet;
  afterEach(async () => s?.close());

  it('opens one case per person and conversation, touches it at the same level and escalates it at a higher one', async () => {
    s = await make();
    const first = await s.cases.recordSignal(signal('moderate'));
    expect(first).toMatchObject({ created: true, escalated: false, duplicate: false, caseRecord: { status: 'open', level: 'moderate' } });
    expect(first.alertIds).toHaveLength(1);
    const same = await s.cases.recordSignal(signal('low', { at: at(MINUTE) }));
    expect(same).toMatchObject({ created: false, escalated: false, updated: false, alertIds: [], caseRecord: { id: first.caseRecord.id, level: 'moderate' } });
    expect(same.caseRecord.lastSeenAt).toEqual(at(MINUTE));
    const higher = await s.cases.recordSignal(signal('imminent', { excerpt: 'later words', at: at(2 * MINUTE) }));
    expect(higher).toMatchObject({ created: false, escalated: true, caseRecord: { id: first.caseRecord.id, level: 'imminent', excerpt: 'later words' } });
    expect(await s.count('alert_outbox')).toBe(4); // new + escalated, two sinks each
    expect((await s.cases.auditLog(first.caseRecord.id)).map((e) => e.action)).toEqual(['opened', 'escalated']);
  });

  it('moves the excerpt on a new disclosure at the same level and tells the sinks, or pages again when urgent', async () => {
    s = await make();
    const first = await s.cases.recordSignal(signal('high', { sinks: ['webhook'] }));
    const carried = await s.cases.recordSignal(signal('high', { disclosure: false, excerpt: 'carried', sinks: ['webhook'] }));
    expect(carried).toMatchObject({ updated: false, alertIds: [], caseRecord: { excerpt: 'words the user wrote' } });
    const told = await s.cases.recordSignal(signal('high', { excerpt: 'new words', at: at(MINUTE), sinks: ['webhook'] }));
    expect(told).toMatchObject({ updated: true, escalated: false, caseRecord: { id: first.caseRecord.id, excerpt: 'new words' } });
    expect(told.alertIds).toHaveLength(1);
    const urgent = await s.cases.recordSignal(signal('high', { priority: 'urgent', at: at(2 * MINUTE), sinks: ['webhook'] }));
    expect(urgent.updated).toBe(true);
    const kinds = (await s.cases.claimDue(at(3 * MINUTE), MINUTE, 10)).map((r) => [r.alert.kind, r.alert.priority]);
    expect(kinds).toEqual([['new', 'high'], ['update', 'high'], ['realert', 'urgent']]);
  });

  it('keeps one case per person per community across a group and the DM, and remembers a false positive', async () => {
    s = await make();
    const group = await s.cases.recordSignal(signal('high', { conversation: { platform: 'telegram', channelId: '-100', communityId: 'g1' } }));
    const dm = await s.cases.recordSignal(signal('imminent', {
      conversationKey: 'telegram:501', conversation: { platform: 'telegram', channelId: '501' }, isDirect: true,
    }));
    expect(dm.caseRecord.id).toBe(group.caseRecord.id);
    expect(await s.cases.activeCase('telegram:501', 'telegram:501')).toMatchObject({ id: group.caseRecord.id, level: 'imminent' });
    const other = await s.cases.recordSignal(signal('high', {
      conversationKey: 'telegram:-200', conversation: { platform: 'telegram', channelId: '-200', communityId: 'g2' },
    }));
    expect(other.created).toBe(true);
    expect(await s.cases.lastFalsePositive('telegram:501')).toBeUndefined();
    await s.cases.applyAction({ kind: 'resolve', outcome: 'false_positive', caseId: other.caseRecord.id, actor: 'telegram:9', actorName: 'mod', at: at(5), updateSinks: [] });
    expect(await s.cases.lastFalsePositive('telegram:501')).toEqual(at(5));
  });

  it('treats a redelivered message as a no-op', async () => {
    s = await make();
    const input = signal('high');
    await s.cases.recordSignal(input);
    const again = await s.cases.recordSignal(input);
    expect(again).toMatchObject({ duplicate: true, created: false, alertIds: [] });
    expect(await s.count('alerts')).toBe(1);
  });

  it('raises the case when the same message is read again at a higher level (the judge), and stays a no-op at the same or lower', async () => {
    s = await make();
    const input = signal('moderate');
    await s.cases.recordSignal(input);
    expect(await s.cases.recordSignal({ ...input, level: 'low' })).toMatchObject({ duplicate: true });
    const raised = await s.cases.recordSignal({ ...input, level: 'imminent', priority: 'urgent', reasons: ['judge:imminent'] });
    expect(raised).toMatchObject({ duplicate: false, created: false, escalated: true, caseRecord: { level: 'imminent' } });
    expect(raised.alertIds).toHaveLength(1);
    expect(await s.cases.recordSignal({ ...input, level: 'imminent' })).toMatchObject({ duplicate: true, alertIds: [] });
    expect(await s.count('alerts')).toBe(2);
  });

  it('opens exactly one case when many messages of one person are screened at once', async () => {
    s = await make();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.cases.recordSignal(signal(i === 5 ? 'imminent' : 'high'))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.caseRecord.id)).size).toBe(1);
    expect(await s.count('cases')).toBe(1);
    expect((await s.cases.activeCase('telegram:501', 'telegram:-100'))?.level).toBe('imminent');
  });

  it('hands each due outbox row to one of many concurrent claimants and marks it delivered exactly once', async () => {
    s = await make();
    for (let u = 0; u < 6; u++) await s.cases.recordSignal(signal('high', { userId: `u${u}` }));
    const claims = await Promise.all(Array.from({ length: 5 }, () => s.cases.claimDue(at(0), MINUTE, 4)));
    const ids = claims.flat().map((r) => r.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    for (const batch of claims) expect(batch.map((r) => r.id)).toEqual([...batch.map((r) => r.id)].sort((a, b) => a - b));
    const row = claims.flat()[0]!;
    expect(row).toMatchObject({ attempts: 1, alert: { kind: 'new', level: 'high', country: 'DE' } });
    expect(await s.cases.claimDue(at(0), MINUTE, 100)).toEqual([]);
    const marks = await Promise.all([s.cases.markDelivered(row.id, 'ref-1', at(1)), s.cases.markDelivered(row.id, 'ref-2', at(1))]);
    expect(marks.filter(Boolean)).toHaveLength(1);
  });

  it('remembers which messages show a case on each sink, each once and oldest first, for later edits', async () => {
    s = await make();
    const opened = await s.cases.recordSignal(signal('high', { sinks: ['slack', 'webhook'] }));
    const caseId = opened.caseRecord.id;
    expect(await s.cases.alertRefs(caseId, 'slack')).toEqual([]);
    for (const row of await s.cases.claimDue(at(0), MINUTE, 10)) await s.cases.markDelivered(row.id, `${row.sink}-m1`, at(1));
    await s.cases.recordSignal(signal('imminent', { messageId: 'm-2', sinks: ['slack', 'webhook'] }));
    for (const row of await s.cases.claimDue(at(2), MINUTE, 10)) {
      if (row.sink === 'slack') await s.cases.markDelivered(row.id, 'slack-m2', at(3));
    }
    await s.cases.applyAction({ kind: 'acknowledge', caseId, actor: 'slack:U1', actorName: 'Mo', at: at(4), updateSinks: ['slack'] });
    for (const row of await s.cases.claimDue(at(5), MINUTE, 10)) await s.cases.markDelivered(row.id, 'slack-m2', at(6));
    expect(await s.cases.alertRefs(caseId, 'slack')).toEqual(['slack-m1', 'slack-m2']);
    expect(await s.cases.alertRefs(caseId, 'webhook')).toEqual(['webhook-m1']);
  });

  it('lets an expired claim be taken again and keeps a failed row for its retry time', async () => {
    s = await make();
    await s.cases.recordSignal(signal('high', { sinks: ['webhook'] }));
    const [first] = await s.cases.claimDue(at(0), MINUTE, 10);
    expect(await s.cases.claimDue(at(MINUTE - 1), MINUTE, 10)).toEqual([]);
    const [again] = await s.cases.claimDue(at(MINUTE), MINUTE, 10);
    expect(again).toMatchObject({ id: first!.id, attempts: 2 });
    await s.cases.markFailed(again!.id, first!.claimToken, 'STALE', at(MINUTE));
    expect(await s.cases.claimDue(at(MINUTE + 1), MINUTE, 10)).toEqual([]); // a stale token changes nothing
    await s.cases.markFailed(again!.id, again!.claimToken, 'PLATFORM_NETWORK', at(5 * MINUTE));
    expect(await s.cases.claimDue(at(2 * MINUTE), MINUTE, 10)).toEqual([]);
    expect(await s.cases.outboxStats(2)).toEqual({ depth: 1, failing: 1 });
    expect((await s.cases.claimDue(at(5 * MINUTE), MINUTE, 10))[0]?.attempts).toBe(3);
  });

  it('writes one re-alert per due time, however many workers try', async () => {
    s = await make();
    const { caseRecord } = await s.cases.recordSignal(signal('high'));
    expect((await s.cases.dueRealerts(at(14 * MINUTE)))).toEqual([]);
    const due = await s.cases.dueRealerts(at(15 * MINUTE));
    expect(due.map((c) => c.id)).toEqual([caseRecord.id]);
    const input = { caseId: caseRecord.id, expectedDue: at(15 * MINUTE), at: at(15 * MINUTE), nextRealertAt: at(30 * MINUTE), priority: 'high' as const, sinks: ['webhook'] };
    const written = await Promise.all(Array.from({ length: 4 }, () => s.cases.addRealert(input)));
    expect(written.filter((id) => id !== undefined)).toHaveLength(1);
    expect((await s.cases.getCase(caseRecord.id))?.nextRealertAt).toEqual(at(30 * MINUTE));
  });

  it('applies a moderator action once, refuses it in the wrong state and tells the sinks', async () => {
    s = await make();
    const { caseRecord } = await s.cases.recordSignal(signal('high'));
    const ack = { kind: 'acknowledge' as const, caseId: caseRecord.id, actor: 'telegram:9', actorName: 'mod', at: at(MINUTE), updateSinks: ['webhook'] };
    const results = await Promise.all([s.cases.applyAction(ack), s.cases.applyAction(ack)]);
    expect(results.map((r) => r.status).sort()).toEqual(['invalid_state', 'ok']);
    const ok = results.find((r) => r.status === 'ok')!;
    expect(ok).toMatchObject({ caseRecord: { status: 'acknowledged', acknowledgedBy: 'telegram:9', nextRealertAt: undefined }, alert: { kind: 'update', actedBy: 'mod' } });
    expect(await s.cases.applyAction({ ...ack, caseId: 999_999 })).toEqual({ status: 'not_found' });
    await s.cases.appendAudit({ caseId: 999_999, action: 'refused', actor: 'telegram:7', at: at(2), note: undefined, policyVersion: undefined, detail: {} });
    const resolved = await s.cases.applyAction({ ...ack, kind: 'resolve', outcome: 'reached_service', at: at(2 * MINUTE) });
    expect(resolved).toMatchObject({ status: 'ok', caseRecord: { status: 'resolved', outcome: 'reached_service' } });
    expect((await s.cases.auditLog(caseRecord.id)).map((e) => e.action)).toEqual(['opened', 'acknowledge', 'resolve']);
    const summaries = await s.cases.listCases({ activeOnly: false, failingAfterAttempts: 3 });
    expect(summaries[0]?.delivery).toEqual({ pending: 4, failing: 0, delivered: 0, lastError: undefined });
    expect(await s.cases.listCases({ activeOnly: true, failingAfterAttempts: 3 })).toEqual([]);
  });

  it('marks a case unreachable once and sends an update saying so', async () => {
    s = await make();
    const { caseRecord } = await s.cases.recordSignal(signal('high'));
    const first = await s.cases.markUnreachable(caseRecord.id, at(MINUTE), ['webhook'], 'pv-1');
    expect(first.changed).toBe(true);
    expect(first.alertId).toBeGreaterThan(0);
    expect(await s.cases.markUnreachable(caseRecord.id, at(MINUTE), ['webhook'])).toEqual({ changed: false, alertId: undefined });
    expect((await s.cases.getCase(caseRecord.id))?.reachedPrivately).toBe(false);
  });

  it('holds digest alerts until their digest is due and releases them when a louder signal arrives', async () => {
    s = await make();
    await s.cases.recordSignal(signal('moderate', { userId: 'd1', digestAt: at(60 * MINUTE), sinks: ['discord'] }));
    await s.cases.recordSignal(signal('moderate', { userId: 'd2', digestAt: at(60 * MINUTE), sinks: ['discord'] }));
    expect(await s.cases.claimDue(at(MINUTE), MINUTE, 10)).toEqual([]);
    expect(await s.cases.outboxStats(3, at(MINUTE))).toEqual({ depth: 0, failing: 0 });
    await s.cases.recordSignal(signal('imminent', { userId: 'd2', at: at(2 * MINUTE), sinks: ['discord'] }));
    expect((await s.cases.claimDue(at(2 * MINUTE), MINUTE, 10)).map((r) => r.alert.kind)).toEqual(['new', 'escalated']);
    expect(await s.cases.claimDigests(at(59 * MINUTE), MINUTE, 10)).toEqual([]);
    expect((await s.cases.claimDigests(at(60 * MINUTE), MINUTE, 10)).map((r) => r.alert.user.id)).toEqual(['d1']);
  });

  it("forgets a person's identity and words but keeps the audit fields the policy names, and exports the rest", async () => {
    s = await make();
    const { caseRecord } = await s.cases.recordSignal(signal('high'));
    await s.cases.applyAction({ kind: 'note', caseId: caseRecord.id, actor: 'telegram:9', actorName: 'mod', at: at(1), note: 'called them', updateSinks: [] });
    const exported = await s.cases.exportUser('telegram:501');
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ id: caseRecord.id, level: 'high', excerpt: 'words the user wrote', signals: [{ level: 'high' }] });
    expect(exported[0]!.alerts.map((a) => a.kind)).toEqual(['new']);
    expect(await s.cases.forgetUser('telegram:501', ['action', 'actor', 'at'])).toBe(1);
    expect(await s.cases.getCase(caseRecord.id)).toMatchObject({
      userKey: `forgotten:${caseRecord.id}`, excerpt: '', user: { id: '', displayName: '' }, country: undefined, level: 'high',
    });
    expect(await s.cases.activeCase('telegram:501', 'telegram:-100')).toBeUndefined();
    const note = (await s.cases.auditLog(caseRecord.id)).find((e) => e.action === 'note');
    expect(note).toMatchObject({ actor: 'telegram:9', at: at(1), note: undefined, policyVersion: undefined });
    // Undelivered alerts would carry nothing a moderator could act on: they are cancelled.
    expect(await s.cases.claimDue(at(0), MINUTE, 10)).toEqual([]);
    expect(await s.cases.outboxStats(3)).toEqual({ depth: 0, failing: 0 });
    expect(await s.count('case_signals')).toBe(0);
  });

  it('purges resolved cases past retention but never one with an undelivered alert', async () => {
    s = await make();
    const a = await s.cases.recordSignal(signal('moderate', { userId: 'a', sinks: ['webhook'] }));
    const b = await s.cases.recordSignal(signal('moderate', { userId: 'b', sinks: ['webhook'] }));
    for (const row of await s.cases.claimDue(at(0), MINUTE, 10)) {
      if (row.caseId === a.caseRecord.id) await s.cases.markDelivered(row.id, undefined, at(1));
    }
    for (const id of [a.caseRecord.id, b.caseRecord.id]) {
      await s.cases.applyAction({ kind: 'resolve', caseId: id, actor: 'telegram:9', actorName: 'mod', at: at(2), updateSinks: [] });
    }
    expect(await s.cases.purgeResolved(at(MINUTE))).toBe(1);
    expect(await s.cases.getCase(a.caseRecord.id)).toBeUndefined();
    expect(await s.cases.getCase(b.caseRecord.id)).toBeDefined();
  });
}
