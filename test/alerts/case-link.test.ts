/**
 * The case link on alerts: the outbox adds the case's dashboard page to every alert it sends
 * (new, digest, and the update that edits a posted alert) when a link is configured, and none
 * when the dashboard has no public address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEscalation } from '../../src/crisis/escalation.js';
import { createOutboxWorker } from '../../src/crisis/outbox.js';
import { silentLogger } from '../../src/logger.js';
import type { AlertView, ModeratorSink } from '../../src/ports.js';
import { manualClock, signal, testDb, type TestDb } from '../crisis/helpers.js';

class Sink implements ModeratorSink {
  readonly shown: AlertView[] = [];
  readonly name = 'mods';
  async deliver(alert: AlertView) {
    this.shown.push(alert);
    return { ref: `m-${alert.alertId}` };
  }
  async edit(_ref: string, alert: AlertView) {
    this.shown.push(alert);
  }
}

describe('case links on alerts', () => {
  let t: TestDb | undefined;
  afterEach(() => t?.db.close());

  const run = async (caseLink?: (caseId: number) => string) => {
    t = testDb();
    const clock = manualClock();
    const sink = new Sink();
    const escalation = createEscalation({ cases: t.cases, messages: t.messages, sinks: [sink.name], policy: t.policy, clock, logger: silentLogger });
    const worker = createOutboxWorker({
      cases: t.cases, sinks: [sink], policy: t.policy, clock, logger: silentLogger, random: () => 0, ...(caseLink ? { caseLink } : {}),
    });
    await escalation.raise(signal('high'));
    await worker.drainOnce();
    return sink;
  };

  it('carries the dashboard page of the case when a link is configured', async () => {
    const sink = await run((id) => `https://mod.example.org/cases/${id}`);
    expect(sink.shown).toHaveLength(1);
    expect(sink.shown[0]!.caseUrl).toBe(`https://mod.example.org/cases/${sink.shown[0]!.caseId}`);
  });

  it('carries no link when the dashboard has no public address', async () => {
    const sink = await run();
    expect(sink.shown).toHaveLength(1);
    expect(sink.shown[0]!.caseUrl).toBeUndefined();
  });
});
