/**
 * Paging discipline (issue 12 item 9; CRISIS.md §3 and §6): the on-call list is paged in turn,
 * the next moderator after page_next_after_minutes, re-alerts stop after the policy's bound,
 * and many cases due at once go out as one digest per sink.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation } from '../../src/crisis/escalation.js';
import { createOutboxWorker } from '../../src/crisis/outbox.js';
import { silentLogger } from '../../src/logger.js';
import type { EscalationPolicy, PagingPolicy } from '../../src/policy/escalation-policy.js';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import { manualClock, MINUTE, signal, testDb, type ManualClock, type TestDb } from './helpers.js';

class PagingSink implements ModeratorSink {
  readonly singles: AlertView[] = [];
  readonly digests: AlertDigest[] = [];
  constructor(readonly name: string) {}
  async deliver(alert: AlertView) {
    this.singles.push(alert);
    return { ref: `s-${alert.alertId}` };
  }
  async deliverDigest(digest: AlertDigest) {
    this.digests.push(digest);
    return { ref: `d-${digest.digestId}` };
  }
}

describe('paging discipline', () => {
  let t: TestDb;
  let clock: ManualClock;
  afterEach(() => t?.db.close());

  const world = (paging: Partial<PagingPolicy>) => {
    t = testDb();
    clock = manualClock();
    const policy: EscalationPolicy = { ...t.policy, paging: { ...t.policy.paging, ...paging } };
    const sinks = [new PagingSink('mods'), new PagingSink('webhook')];
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: sinks.map((s) => s.name), policy, clock, logger: silentLogger });
    const worker = createOutboxWorker({ cases: t.cases, sinks, policy, clock, logger: silentLogger, random: () => 0 });
    return { escalation, worker, sinks, policy };
  };

  it('pages the on-call list in turn: the first moderator at once, the next after page_next_after_minutes', async () => {
    const { escalation, worker, sinks } = world({ onCall: ['discord:11', 'discord:22', 'discord:33'], pageNextAfterMs: 3 * MINUTE });
    await escalation.raise(signal('imminent'));
    await worker.drainOnce();
    clock.advance(3 * MINUTE - 1);
    await worker.drainOnce();
    expect(sinks[0]!.singles.map((a) => a.page)).toEqual(['discord:11']);
    for (let i = 0; i < 3; i++) {
      clock.advance(3 * MINUTE);
      await worker.drainOnce();
    }
    for (const sink of sinks) {
      expect(sink.singles.map((a) => [a.kind, a.priority, a.page])).toEqual([
        ['new', 'urgent', 'discord:11'],
        ['realert', 'urgent', 'discord:22'],
        ['realert', 'urgent', 'discord:33'],
        ['realert', 'urgent', 'discord:11'],
      ]);
    }
  });

  it('names nobody when the on-call list is empty, and never pages below urgent', async () => {
    const { escalation, worker, sinks } = world({ onCall: [] });
    await escalation.raise(signal('imminent'));
    await escalation.raise(signal('high', { user: { id: '777', displayName: 'x' }, userKey: 'telegram:777' }));
    await worker.drainOnce();
    expect(sinks[0]!.singles.map((a) => a.page)).toEqual([undefined, undefined]);
  });

  it('stops re-alerting a case after max_realerts_per_sink, and the case stays open in the list', async () => {
    const { escalation, worker, sinks } = world({ maxRealertsPerSink: 3 });
    const { caseId } = await escalation.raise(signal('imminent'));
    for (let i = 0; i < 20; i++) {
      clock.advance(5 * MINUTE);
      await worker.drainOnce();
    }
    for (const sink of sinks) expect(sink.singles.filter((a) => a.kind === 'realert')).toHaveLength(3);
    const open = await t.cases.listCases({ activeOnly: true, failingAfterAttempts: 5 });
    expect(open.map((c) => [c.id, c.status, c.nextRealertAt])).toEqual([[caseId, 'open', undefined]]);
  });

  it('sends the re-alerts of many unacknowledged cases due at once as one digest per sink', async () => {
    const { escalation, worker, sinks } = world({ digestWhenOpenCasesOver: 3 });
    for (let u = 1; u <= 5; u++) await escalation.raise(signal('high', { user: { id: `u${u}`, displayName: 'x' }, userKey: `telegram:u${u}` }));
    await worker.drainOnce();
    expect(sinks[0]!.singles).toHaveLength(5);
    clock.advance(15 * MINUTE);
    await worker.drainOnce();
    for (const sink of sinks) {
      expect(sink.singles.filter((a) => a.kind === 'realert')).toEqual([]);
      expect(sink.digests.map((d) => d.alerts.map((a) => a.kind))).toEqual([['realert', 'realert', 'realert', 'realert', 'realert']]);
    }
  });

  it('re-alerts one by one when few cases are due', async () => {
    const { escalation, worker, sinks } = world({ digestWhenOpenCasesOver: 3 });
    for (let u = 1; u <= 2; u++) await escalation.raise(signal('high', { user: { id: `u${u}`, displayName: 'x' }, userKey: `telegram:u${u}` }));
    clock.advance(15 * MINUTE);
    await worker.drainOnce();
    expect(sinks[0]!.singles.filter((a) => a.kind === 'realert')).toHaveLength(2);
    expect(sinks[0]!.digests).toEqual([]);
  });
});
