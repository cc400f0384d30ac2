/**
 * The alert outbox worker: delivers every outbox row to its sink, retries with exponential
 * backoff and jitter, never drops a row, and re-alerts open cases nobody acknowledged.
 *
 * Delivery semantics: a row is claimed before it is sent and marked delivered exactly once.
 * A crash between a successful send and the mark can only cause one redelivery of the same
 * alert id, so delivery is at-least-once with an idempotency key (the alert id, sent by the
 * webhook as X-Oyster-Alert-Id). For a receiver that dedupes on that key, at-least-once
 * plus the key is exactly-once; our own sinks dedupe in process (sink-dedupe.ts).
 */
import type { Clock, ModeratorSink } from '../ports.js';
import type { Logger } from '../logger.js';
import { asBotError, BotError } from '../errors.js';
import { levelPolicy, type EscalationPolicy } from '../policy/escalation-policy.js';
import type { CaseStore, OutboxRow } from './case-store.js';

export interface OutboxMetrics {
  /** Undelivered rows. */
  depth: number;
  /** Undelivered rows that reached the policy's failing threshold (still retried). */
  failing: number;
}

export interface DrainReport extends OutboxMetrics {
  delivered: number;
  failedAttempts: number;
  realerts: number;
}

export interface OutboxWorkerDeps {
  cases: CaseStore;
  sinks: ModeratorSink[];
  policy: EscalationPolicy;
  clock: Clock;
  logger: Logger;
  onMetrics?: (metrics: OutboxMetrics) => void;
  /** Jitter source in [0, 1); injectable so tests can pin it. */
  random?: () => number;
  /** Rows claimed per drain. */
  batchSize?: number;
}

export interface OutboxWorker {
  /** Releases claims left by a crashed process, starts delivering every pending row at once (in the background), then polls. */
  start(): Promise<void>;
  /** One pass: due re-alerts, then due rows. Never runs two passes at the same time. */
  drainOnce(): Promise<DrainReport>;
  /** Asks for a pass as soon as possible (after new alerts are written). */
  kick(): void;
  stop(): Promise<void>;
  stats(): Promise<OutboxMetrics>;
}

/** Backoff before attempt `attempts + 1`: base·2^(attempts-1), capped, with "equal jitter" (½ fixed, ½ random). */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { cases, policy, clock, logger } = deps;
  const random = deps.random ?? Math.random;
  const batchSize = deps.batchSize ?? 50;
  const sinks = new Map(deps.sinks.map((s) => [s.name, s]));
  const names = [...sinks.keys()];
  // A claim outlives the longest legitimate send, so a slow sink is never sent to twice at once.
  const leaseMs = policy.outbox.sinkTimeoutMs * 2 + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DrainReport> | undefined;
  let again = false;
  let stopped = true;

  async function realert(): Promise<number> {
    const now = clock.now();
    let count = 0;
    for (const c of await cases.dueRealerts(now)) {
      const lp = levelPolicy(policy, c.level);
      const id = await cases.addRealert({
        caseId: c.id,
        expectedDue: c.nextRealertAt ?? now,
        at: now,
        // No catch-up burst after downtime: the next one is an interval from now.
        nextRealertAt: new Date(now.getTime() + lp.realertIntervalMs),
        priority: lp.priority,
        sinks: names,
      });
      if (id !== undefined) {
        count++;
        logger.warn('case unacknowledged past target: re-alerting', { caseId: c.id, level: c.level, alertId: id });
      }
    }
    return count;
  }

  async function send(sink: ModeratorSink, row: OutboxRow): Promise<{ ref?: string }> {
    let timeout: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () => reject(new BotError('sink timed out', 'ESCALATION_NOTIFY_FAILED', { context: { reason: 'timeout' } })),
        policy.outbox.sinkTimeoutMs + 1_000,
      );
    });
    try {
      return await Promise.race([sink.deliver(row.alert), limit]);
    } finally {
      clearTimeout(timeout);
    }
  }

  async function deliverRow(row: OutboxRow): Promise<boolean> {
    const sink = sinks.get(row.sink);
    try {
      if (!sink) {
        throw new BotError('sink not configured', 'ESCALATION_NOTIFY_FAILED', { context: { reason: 'sink_not_configured' } });
      }
      const { ref } = await send(sink, row);
      const marked = await cases.markDelivered(row.id, ref, clock.now());
      logger.info(marked ? 'moderator alert delivered' : 'moderator alert redelivered', {
        sink: row.sink, alertId: row.alertId, caseId: row.caseId, kind: row.alert.kind, attempts: row.attempts,
      });
      return true;
    } catch (error) {
      const e = asBotError(error);
      const reason = typeof e.context['reason'] === 'string' ? `:${e.context['reason']}` : '';
      const delay = Math.max(
        backoffMs(row.attempts, policy.outbox.retryBaseMs, policy.outbox.retryMaxMs, random()),
        Math.min(e.retryAfterMs ?? 0, policy.outbox.retryMaxMs),
      );
      const failing = row.attempts >= policy.outbox.failingAfterAttempts;
      await cases.markFailed(row.id, row.claimToken, `${e.code}${reason}`, new Date(clock.now().getTime() + delay));
      const fields = {
        code: 'ESCALATION_NOTIFY_FAILED', cause: `${e.code}${reason}`, sink: row.sink, alertId: row.alertId,
        caseId: row.caseId, attempts: row.attempts, retryInMs: delay,
      };
      // Past the threshold the same retry gets louder (error level, counted as failing), never dropped.
      if (failing) logger.error('moderator alert failing: still retrying', fields);
      else logger.warn('moderator alert not delivered: will retry', fields);
      return false;
    }
  }

  async function pass(): Promise<DrainReport> {
    const realerts = await realert();
    const rows = await cases.claimDue(clock.now(), leaseMs, batchSize);
    // Sinks run side by side so one slow or dead sink never delays another; rows of one sink
    // go in order so a moderator channel reads chronologically.
    const bySink = new Map<string, OutboxRow[]>();
    for (const row of rows) bySink.set(row.sink, [...(bySink.get(row.sink) ?? []), row]);
    let delivered = 0;
    let failedAttempts = 0;
    await Promise.all([...bySink.values()].map(async (list) => {
      for (const row of list) {
        if (await deliverRow(row)) delivered++;
        else failedAttempts++;
      }
    }));
    const metrics = await cases.outboxStats(policy.outbox.failingAfterAttempts);
    deps.onMetrics?.(metrics);
    return { ...metrics, delivered, failedAttempts, realerts };
  }

  async function drainOnce(): Promise<DrainReport> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        let report = await pass();
        // Work that arrived during the pass (kick) runs now instead of waiting for the poll.
        while (again && !stopped) {
          again = false;
          report = await pass();
        }
        return report;
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  function tick(): void {
    drainOnce().catch((error: unknown) => {
      const e = asBotError(error);
      logger.error('outbox pass failed', { code: e.code });
    });
  }

  return {
    async start() {
      stopped = false;
      // Rows a dead process had claimed are released, and every undelivered row is due now: a
      // backoff chosen before a crash must not delay an alert after the restart.
      const released = await cases.releaseClaims(clock.now());
      if (released > 0) logger.warn('outbox resumed rows claimed before a restart', { rows: released });
      // The first pass runs in the background: one try can take the sink timeout and a sink's
      // rows go in order, so awaiting it would keep the adapters offline behind a hanging sink.
      tick();
      timer = setInterval(tick, policy.outbox.pollMs);
      // The poll alone never keeps the process alive (adapters and the CLI decide that).
      timer.unref();
    },
    drainOnce,
    kick() {
      if (!stopped) tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      if (running) await running.catch(() => undefined);
    },
    stats: () => cases.outboxStats(policy.outbox.failingAfterAttempts),
  };
}
