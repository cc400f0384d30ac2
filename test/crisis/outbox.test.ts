import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation } from '../../src/crisis/escalation.js';
import { backoffMs, createOutboxWorker } from '../../src/crisis/outbox.js';
import { createModeration } from '../../src/crisis/moderation.js';
import { silentLogger } from '../../src/logger.js';
import type { ModeratorSink } from '../../src/ports.js';
import {
  manualClock, MINUTE, recordingLogger, recordingSink, signal, T0, testDb, type ManualClock, type TestDb,
} from './helpers.js';

describe('alert outbox', () => {
  let t: TestDb;
  let clock: ManualClock;
  afterEach(() => t?.db.close());

  const world = (sinks: ModeratorSink[], logger = silentLogger) => {
    t = testDb();
    clock = manualClock();
    const escalation = createEscalation({
      cases: t.cases, messages: t.messages, sinks: sinks.map((s) => s.name), policy: t.policy, clock, logger,
    });
    const metrics: Array<{ depth: number; failing: number }> = [];
    // random() = 0 pins the jitter to its lower bound: delay = half the exponential step.
    const worker = createOutboxWorker({
      cases: t.cases, sinks, policy: t.policy, clock, logger, random: () => 0, onMetrics: (m) => metrics.push(m),
    });
    return { escalation, worker, metrics };
  };

  it('computes exponential backoff with jitter, capped at the maximum', () => {
    expect(backoffMs(1, 5_000, 300_000, 0)).toBe(2_500);
    expect(backoffMs(1, 5_000, 300_000, 1)).toBe(5_000);
    expect(backoffMs(3, 5_000, 300_000, 0.5)).toBe(15_000);
    expect(backoffMs(30, 5_000, 300_000, 1)).toBe(300_000);
  });

  it('retries a failing sink with growing backoff and then delivers exactly once', async () => {
    const sink = recordingSink('webhook');
    const { escalation, worker } = world([sink]);
    sink.failing = true;
    const { alertIds } = await escalation.raise(signal('high'));

    await worker.drainOnce(); // attempt 1 fails; next in 2.5 s
    clock.advance(2_000);
    await worker.drainOnce(); // not due yet
    expect(sink.calls).toBe(1);
    clock.advance(500);
    await worker.drainOnce(); // attempt 2 fails; next in 5 s
    expect(sink.calls).toBe(2);
    clock.advance(4_999);
    await worker.drainOnce();
    expect(sink.calls).toBe(2);
    clock.advance(1);
    sink.failing = false;
    const report = await worker.drainOnce(); // attempt 3 succeeds
    expect(report).toMatchObject({ delivered: 1, depth: 0, failing: 0 });

    // Ten more minutes of passes (inside the 15-minute acknowledgement target, so no re-alert).
    for (let i = 0; i < 5; i++) {
      clock.advance(2 * MINUTE);
      await worker.drainOnce();
    }
    expect(sink.calls).toBe(3);
    expect(sink.received.map((a) => a.alertId)).toEqual(alertIds);
    const row = t.db.prepare('SELECT attempts, delivered_at, ref FROM alert_outbox').get();
    expect(row).toEqual({ attempts: 3, delivered_at: new Date(T0.getTime() + 7_500).toISOString(), ref: `webhook-${alertIds[0]}` });
  });

  it('keeps retrying a sink that fails for ten minutes, shows it as failing, and delivers once when it recovers', async () => {
    const logger = recordingLogger();
    const down = recordingSink('webhook');
    const healthy = recordingSink('log');
    const { escalation, worker, metrics } = world([down, healthy], logger);
    down.failing = true;
    await escalation.raise(signal('imminent'));

    for (let s = 0; s <= 600; s += 10) {
      await worker.drainOnce();
      clock.advance(10_000);
    }
    expect(healthy.received).toHaveLength(1 + 2); // the new alert, then two re-alerts at 5 and 10 minutes
    const attempts = (t.db.prepare("SELECT attempts FROM alert_outbox WHERE sink = 'webhook' ORDER BY id").all() as Array<{ attempts: number }>)
      .map((r) => r.attempts);
    expect(attempts[0]).toBeGreaterThanOrEqual(t.policy.outbox.failingAfterAttempts);
    // The first alert and the 5-minute re-alert have passed the failing threshold; the newest has not yet.
    expect(await worker.stats()).toEqual({ depth: 3, failing: 2 });
    expect(metrics.at(-1)).toEqual({ depth: 3, failing: 2 });
    const failingLogs = logger.entries.filter((e) => e.level === 'error' && e.fields['code'] === 'ESCALATION_NOTIFY_FAILED');
    expect(failingLogs.length).toBeGreaterThan(0);
    expect(failingLogs[0]?.fields).toMatchObject({ sink: 'webhook', cause: 'ESCALATION_NOTIFY_FAILED:test_down' });
    const [summary] = await t.cases.listCases({ activeOnly: true, failingAfterAttempts: t.policy.outbox.failingAfterAttempts });
    expect(summary?.delivery).toMatchObject({ failing: 2, pending: 3, lastError: 'ESCALATION_NOTIFY_FAILED:test_down' });

    down.failing = false;
    // With the jitter pinned low the longest wait is half the maximum: everything is due again.
    clock.advance(t.policy.outbox.retryMaxMs / 2);
    const report = await worker.drainOnce();
    expect(report).toMatchObject({ delivered: 3, realerts: 0, depth: 0, failing: 0 });
    clock.advance(MINUTE);
    await worker.drainOnce();
    expect(down.received.map((a) => a.kind)).toEqual(['new', 'realert', 'realert']);
    expect(new Set(down.received.map((a) => a.alertId)).size).toBe(3);
    expect(await worker.stats()).toEqual({ depth: 0, failing: 0 });
  });

  it('delivers rows left by a crashed process at once on start, including rows it had claimed', async () => {
    const sink = recordingSink('webhook');
    const { escalation } = world([sink]);
    const { alertIds } = await escalation.raise(signal('high'));
    // A previous process claimed the row and died before sending or marking it.
    const claimed = await t.cases.claimDue(clock.now(), 60 * MINUTE, 10);
    expect(claimed).toHaveLength(1);

    const restarted = createOutboxWorker({ cases: t.cases, sinks: [sink], policy: t.policy, clock, logger: silentLogger });
    await restarted.start();
    await restarted.stop();
    expect(sink.received.map((a) => a.alertId)).toEqual(alertIds);
  });

  it('never drops a row whose sink is no longer configured', async () => {
    const sink = recordingSink('webhook');
    const { escalation } = world([sink]);
    await escalation.raise(signal('moderate'));
    const without = createOutboxWorker({ cases: t.cases, sinks: [], policy: t.policy, clock, logger: silentLogger, random: () => 0 });
    const report = await without.drainOnce();
    expect(report).toMatchObject({ delivered: 0, failedAttempts: 1, depth: 1 });
    const row = t.db.prepare('SELECT last_error, delivered_at FROM alert_outbox').get();
    expect(row).toEqual({ last_error: 'ESCALATION_NOTIFY_FAILED:sink_not_configured', delivered_at: null });
  });

  it('re-alerts an imminent case every five minutes until a moderator acknowledges it, then stops', async () => {
    const sink = recordingSink('telegram');
    const { escalation, worker } = world([sink]);
    const moderation = createModeration({
      cases: t.cases, moderators: { ids: ['telegram:900'], roleIds: [] }, clock, logger: silentLogger,
    });
    const { caseId } = await escalation.raise(signal('imminent'));
    await worker.drainOnce();
    clock.advance(4 * MINUTE);
    await worker.drainOnce();
    expect(sink.received.map((a) => a.kind)).toEqual(['new']);
    clock.advance(MINUTE);
    await worker.drainOnce();
    clock.advance(5 * MINUTE);
    await worker.drainOnce();
    expect(sink.received.map((a) => a.kind)).toEqual(['new', 'realert', 'realert']);
    expect(sink.received[1]).toMatchObject({ caseId, priority: 'urgent', level: 'imminent', status: 'open' });

    const reply = await moderation.handle({
      name: 'case', args: ['ack', String(caseId)], isDirect: false,
      actor: { id: '900', displayName: 'Mo', roleIds: [] }, conversation: { platform: 'telegram', channelId: '-100staff' },
    });
    expect(reply.ok).toBe(true);
    for (let i = 0; i < 6; i++) {
      clock.advance(5 * MINUTE);
      await worker.drainOnce();
    }
    expect(sink.received.map((a) => a.kind)).toEqual(['new', 'realert', 'realert']);
  });

  it('re-alerts again when an acknowledged case escalates, because the higher level needs a fresh acknowledgement', async () => {
    const sink = recordingSink('discord');
    const { escalation, worker } = world([sink]);
    const { caseId } = await escalation.raise(signal('high'));
    await t.cases.applyAction({ kind: 'acknowledge', caseId: caseId!, actor: 'discord:1', actorName: 'mod', at: clock.now(), updateSinks: [] });
    await worker.drainOnce();
    clock.advance(MINUTE);
    await escalation.raise(signal('imminent', { at: clock.now() }));
    expect((await t.cases.getCase(caseId!))?.status).toBe('open');
    clock.advance(5 * MINUTE);
    await worker.drainOnce();
    expect(sink.received.map((a) => `${a.kind}:${a.level}`)).toEqual(['new:high', 'escalated:imminent', 'realert:imminent']);
  });
});
