import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { createEscalation } from '../../src/crisis/escalation.js';
import { createModeration } from '../../src/crisis/moderation.js';
import { createOutboxWorker, DIGEST_MAX_ALERTS, digestIdOf } from '../../src/crisis/outbox.js';
import { withDedupe } from '../../src/crisis/sink-dedupe.js';
import { silentLogger } from '../../src/logger.js';
import { digestTime, parseEscalationPolicy, type EscalationPolicy } from '../../src/policy/escalation-policy.js';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';
import {
  manualClock, MINUTE, POLICIES_DIR, recordingSink, signal, T0, testDb, type ManualClock, type TestDb,
} from './helpers.js';

const shipped = readFileSync(join(POLICIES_DIR, 'escalation.yaml'), 'utf8');
const HOUR = 60 * MINUTE;
/** T0 is 20:00 UTC; the next 09:00 UTC digest is 13 hours later. */
const NEXT_DIGEST = new Date('2026-03-02T09:00:00.000Z');

function withDigest(digestYaml = 'enabled: true\n  levels: [moderate]\n  first_at_utc: "09:00"\n  every_hours: 24'): EscalationPolicy {
  const text = shipped.replace(/digest:\n(?: {2}.*\n)+/, `digest:\n  ${digestYaml}\n`);
  expect(text).not.toBe(shipped);
  return parseEscalationPolicy(text);
}

interface DigestSink extends ModeratorSink {
  digests: AlertDigest[];
  singles: AlertView[];
  failing: boolean;
}

function digestSink(name: string): DigestSink {
  const sink: DigestSink = {
    name, digests: [], singles: [], failing: false,
    async deliver(alert) {
      sink.singles.push(alert);
      return { ref: `${name}-${alert.alertId}` };
    },
    async deliverDigest(digest) {
      if (sink.failing) throw new BotError('sink down', 'ESCALATION_NOTIFY_FAILED', { context: { reason: 'test_down' } });
      sink.digests.push(digest);
      return { ref: `${name}-digest-${digest.digestId}` };
    },
  };
  return sink;
}

describe('digest policy', () => {
  it('ships with the digest off, and reads the schedule when it is on', () => {
    expect(parseEscalationPolicy(shipped).digest.enabled).toBe(false);
    expect(withDigest().digest).toEqual({ enabled: true, levels: ['moderate'], firstAtMinutesUtc: 540, everyMs: 24 * HOUR });
  });

  it('refuses a digest for high or imminent alerts, below-threshold levels, odd intervals and bad times', () => {
    expect(() => withDigest('enabled: true\n  levels: [moderate, high]\n  first_at_utc: "09:00"\n  every_hours: 24'))
      .toThrow(/digest\.levels\[1\]: "high" alerts are high priority and must never wait for a digest/);
    expect(() => withDigest('enabled: false\n  levels: [low]\n  first_at_utc: "09:00"\n  every_hours: 24'))
      .toThrow(/digest\.levels\[0\]: "low" is below the threshold/);
    expect(() => withDigest('enabled: true\n  levels: [moderate]\n  first_at_utc: "09:00"\n  every_hours: 5'))
      .toThrow(/digest\.every_hours: must divide 24/);
    expect(() => withDigest('enabled: true\n  levels: [moderate]\n  first_at_utc: "9am"\n  every_hours: 24'))
      .toThrow(/digest\.first_at_utc: must be a time of day as "HH:MM"/);
    expect(() => withDigest('enabled: true\n  levels: [moderate]\n  first_at_utc: "09:00"\n  every_hours: 24\n  extra: 1'))
      .toThrow(/Unrecognized key.*extra/);
  });

  it('schedules the next slot strictly after now, every N hours from the first time of day', () => {
    const daily = withDigest();
    expect(digestTime(daily, 'moderate', T0)).toEqual(NEXT_DIGEST);
    expect(digestTime(daily, 'moderate', new Date('2026-03-02T08:59:59.000Z'))).toEqual(NEXT_DIGEST);
    expect(digestTime(daily, 'moderate', NEXT_DIGEST)).toEqual(new Date('2026-03-03T09:00:00.000Z'));
    expect(digestTime(daily, 'high', T0)).toBeUndefined();
    const every8 = withDigest('enabled: true\n  levels: [moderate]\n  first_at_utc: "09:30"\n  every_hours: 8');
    expect(digestTime(every8, 'moderate', new Date('2026-03-02T00:10:00.000Z'))).toEqual(new Date('2026-03-02T01:30:00.000Z'));
    expect(digestTime(every8, 'moderate', new Date('2026-03-02T17:31:00.000Z'))).toEqual(new Date('2026-03-03T01:30:00.000Z'));
    expect(digestTime(parseEscalationPolicy(shipped), 'moderate', T0)).toBeUndefined();
  });
});

describe('moderate alerts held for a digest', () => {
  let t: TestDb;
  let clock: ManualClock;
  afterEach(() => t?.db.close());

  const world = (sinks: ModeratorSink[], policy = withDigest()) => {
    t = testDb();
    clock = manualClock();
    const escalation = createEscalation({
      cases: t.cases, messages: t.messages, sinks: sinks.map((s) => s.name), policy, clock, logger: silentLogger,
    });
    const worker = createOutboxWorker({ cases: t.cases, sinks, policy, clock, logger: silentLogger, random: () => 0 });
    return { escalation, worker };
  };
  const moderateFrom = (userId: string) => signal('moderate', { user: { id: userId, displayName: `user ${userId}` }, userKey: `telegram:${userId}` });

  it('sends nothing until the digest time, then one digest per sink; a sink without digests gets each alert', async () => {
    const board = digestSink('telegram');
    const plain = recordingSink('webhook');
    const { escalation, worker } = world([board, plain]);
    const raised = [];
    for (const id of ['501', '502', '503']) raised.push(await escalation.raise(moderateFrom(id)));

    for (let h = 0; h < 12; h++) {
      await worker.drainOnce();
      clock.advance(HOUR);
    }
    expect(board.digests).toHaveLength(0);
    expect(board.singles).toHaveLength(0);
    expect(plain.received).toHaveLength(0);
    // Scheduled, not stuck: rows waiting for a future digest are not outbox depth.
    expect(await worker.stats()).toEqual({ depth: 0, failing: 0 });

    clock.set(NEXT_DIGEST);
    const report = await worker.drainOnce();
    expect(report).toMatchObject({ delivered: 6, depth: 0, realerts: 0 });
    expect(board.digests).toHaveLength(1);
    expect(board.digests[0]!.alerts.map((a) => [a.kind, a.level, a.caseId])).toEqual(raised.map((r) => ['new', 'moderate', r.caseId]));
    expect(board.digests[0]!.digestId).toBe(digestIdOf('telegram', raised.flatMap((r) => r.alertIds)));
    expect(board.singles).toHaveLength(0);
    expect(plain.received.map((a) => a.caseId)).toEqual(raised.map((r) => r.caseId));
    await worker.drainOnce();
    expect(board.digests).toHaveLength(1);
  });

  it('never holds a high alert, and counts the first re-alert of a held case from the digest', async () => {
    const board = digestSink('telegram');
    const { escalation, worker } = world([board]);
    await escalation.raise(moderateFrom('501'));
    await escalation.raise(signal('high', { user: { id: '777', displayName: 'x' }, userKey: 'telegram:777' }));
    await worker.drainOnce();
    expect(board.singles.map((a) => a.level)).toEqual(['high']);

    const ackTarget = t.policy.levels.moderate!.ackTargetMs;
    clock.set(NEXT_DIGEST);
    await worker.drainOnce();
    expect(board.digests).toHaveLength(1);
    clock.set(new Date(NEXT_DIGEST.getTime() + ackTarget - 1));
    await worker.drainOnce();
    expect(board.singles.filter((a) => a.kind === 'realert' && a.level === 'moderate')).toHaveLength(0);
    clock.advance(1);
    await worker.drainOnce();
    expect(board.singles.filter((a) => a.kind === 'realert' && a.level === 'moderate')).toHaveLength(1);
  });

  it('splits a long digest into messages of at most ten alerts', async () => {
    const board = digestSink('telegram');
    const { escalation, worker } = world([board]);
    for (let i = 0; i < DIGEST_MAX_ALERTS + 2; i++) await escalation.raise(moderateFrom(String(600 + i)));
    clock.set(NEXT_DIGEST);
    await worker.drainOnce();
    expect(board.digests.map((d) => d.alerts.length)).toEqual([DIGEST_MAX_ALERTS, 2]);
  });

  it('retries a failed digest as a whole with backoff, and delivers it exactly once', async () => {
    const board = digestSink('telegram');
    const { escalation, worker } = world([board]);
    await escalation.raise(moderateFrom('501'));
    await escalation.raise(moderateFrom('502'));
    board.failing = true;
    clock.set(NEXT_DIGEST);
    expect(await worker.drainOnce()).toMatchObject({ delivered: 0, failedAttempts: 2, depth: 2 });
    const rows = t.db.prepare('SELECT attempts, next_attempt_at, last_error FROM alert_outbox ORDER BY id').all();
    // random() = 0: the first retry waits half the base step, and both rows retry together.
    const retryAt = new Date(NEXT_DIGEST.getTime() + t.policy.outbox.retryBaseMs / 2).toISOString();
    expect(rows).toEqual([1, 2].map(() => ({ attempts: 1, next_attempt_at: retryAt, last_error: 'ESCALATION_NOTIFY_FAILED:test_down' })));
    board.failing = false;
    clock.set(new Date(retryAt));
    await worker.drainOnce();
    await worker.drainOnce();
    expect(board.digests).toHaveLength(1);
    expect(board.digests[0]!.alerts).toHaveLength(2);
  });

  it('keeps a held alert waiting across a restart and never sends it early', async () => {
    const board = digestSink('telegram');
    const { escalation } = world([board]);
    await escalation.raise(moderateFrom('501'));
    const restarted = createOutboxWorker({ cases: t.cases, sinks: [board], policy: withDigest(), clock, logger: silentLogger });
    await restarted.start();
    await restarted.drainOnce();
    await restarted.stop();
    expect(board.digests).toHaveLength(0);
    expect(t.db.prepare('SELECT next_attempt_at FROM alert_outbox').get()).toEqual({ next_attempt_at: NEXT_DIGEST.toISOString() });
  });

  it('shows an acknowledgement made before the digest in the digest, without a separate update', async () => {
    const board = digestSink('telegram');
    const hook = digestSink('webhook');
    const { escalation, worker } = world([board, hook]);
    const moderation = createModeration({
      cases: t.cases, moderators: { ids: ['telegram:900'], roleIds: [] }, clock, logger: silentLogger, updateSinks: ['webhook'],
    });
    const { caseId } = await escalation.raise(moderateFrom('501'));
    clock.advance(HOUR);
    const reply = await moderation.handle({
      name: 'case', args: ['ack', String(caseId)], actor: { id: '900', displayName: 'Mo', roleIds: [] },
      conversation: { platform: 'telegram', channelId: '-100999' }, isDirect: false,
    });
    expect(reply.ok).toBe(true);
    await worker.drainOnce();
    expect(hook.singles).toHaveLength(0);

    clock.set(NEXT_DIGEST);
    await worker.drainOnce();
    for (const sink of [board, hook]) {
      expect(sink.digests[0]!.alerts[0]).toMatchObject({ kind: 'new', status: 'acknowledged', actedBy: 'Mo' });
    }
    expect(hook.singles).toHaveLength(0);
  });

  it('sends a held alert at once, before the louder one, when the case rises to high', async () => {
    const board = digestSink('telegram');
    const { escalation, worker } = world([board]);
    await escalation.raise(moderateFrom('501'));
    clock.advance(HOUR);
    await escalation.raise({ ...moderateFrom('501'), level: 'high', messageId: 'rise-1' });
    await worker.drainOnce();
    expect(board.singles.map((a) => [a.kind, a.level])).toEqual([['new', 'moderate'], ['escalated', 'high']]);
    clock.set(NEXT_DIGEST);
    await worker.drainOnce();
    expect(board.digests).toHaveLength(0);
  });

  it('delivers a digest once per process when the outbox repeats it', async () => {
    const inner = digestSink('telegram');
    const sink = withDedupe(inner);
    const digest: AlertDigest = { digestId: 'd1', alerts: [], createdAt: T0.toISOString() };
    const [a, b] = await Promise.all([sink.deliverDigest!(digest), sink.deliverDigest!(digest)]);
    await sink.deliverDigest!(digest);
    expect(inner.digests).toHaveLength(1);
    expect(a).toEqual(b);
  });
});
