/**
 * The alert outbox worker: delivers every outbox row to its sink, retries with exponential
 * backoff and jitter, never drops a row, and re-alerts open cases nobody acknowledged.
 *
 * Delivery semantics: a row is claimed before it is sent and marked delivered exactly once.
 * A crash between a successful send and the mark can only cause one redelivery of the same
 * alert id, so delivery is at-least-once with an idempotency key (the alert id, sent by the
 * webhook as X-Oyster-Alert-Id). For a receiver that dedupes on that key, at-least-once
 * plus the key is exactly-once; our own sinks dedupe in process (sink-dedupe.ts).
 *
 * Digests (policies/escalation.yaml `digest`): rows held for a digest are ordinary outbox rows
 * with a due time. When due, each sink's held rows go out together, a few per message, through
 * the sink's deliverDigest; a sink without one gets them one by one. Success marks every row of
 * the digest delivered; a failure retries them all with the same backoff, together.
 */
import { createHash } from 'node:crypto';
import type { AlertDigest, AlertView, Clock, ModeratorSink } from '../ports.js';
import type { Logger } from '../logger.js';
import { asBotError, BotError } from '../errors.js';
import { levelPolicy, type EscalationPolicy } from '../policy/escalation-policy.js';
import type { CaseStore, OutboxRow } from '../store/case-store.js';

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
  /** The dashboard page of a case, when moderators can open the dashboard from a link. */
  caseLink?: (caseId: number) => string | undefined;
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

/** Alerts per digest message: keeps one digest inside every platform's single-message limits. */
export const DIGEST_MAX_ALERTS = 10;

/** The same sink and alert ids always give the same digest id (the receiver's idempotency key). */
export function digestIdOf(sink: string, alertIds: number[]): string {
  return createHash('sha256').update(`${sink}:${alertIds.join(',')}`).digest('hex').slice(0, 24);
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
    const due = await cases.dueRealerts(now);
    const { paging } = policy;
    // Many unacknowledged cases at once: one digest per sink instead of a burst of pages.
    const asDigest = due.length > paging.digestWhenOpenCasesOver;
    for (const c of due) {
      const lp = levelPolicy(policy, c.level);
      // An urgent case pages the next on-call moderator after page_next_after_minutes (CRISIS.md §6 step 5).
      const interval = lp.priority === 'urgent' ? Math.min(lp.realertIntervalMs, paging.pageNextAfterMs) : lp.realertIntervalMs;
      const id = await cases.addRealert({
        caseId: c.id,
        expectedDue: c.nextRealertAt ?? now,
        at: now,
        // No catch-up burst after downtime: the next one is an interval from now.
        nextRealertAt: new Date(now.getTime() + interval),
        priority: lp.priority,
        sinks: names,
        maxRealerts: paging.maxRealertsPerSink,
        ...(asDigest ? { digestAt: now } : {}),
      });
      if (id !== undefined) {
        count++;
        logger.warn('case unacknowledged past target: re-alerting', { caseId: c.id, level: c.level, alertId: id });
      }
    }
    return count;
  }

  /**
   * Adds what the core decides at send time: the case's dashboard link, and the on-call
   * moderator an urgent alert pages, in turn (round-robin, wrapping to the first).
   */
  function paged(stored: AlertView): AlertView {
    const caseUrl = deps.caseLink?.(stored.caseId);
    const alert = caseUrl === undefined ? stored : { ...stored, caseUrl };
    const onCall = policy.paging.onCall;
    if (alert.priority !== 'urgent' || onCall.length === 0) return alert;
    return { ...alert, page: onCall[(alert.pageIndex ?? 0) % onCall.length]! };
  }

  async function bounded(delivery: Promise<{ ref?: string }>): Promise<{ ref?: string }> {
    let timeout: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () => reject(new BotError('sink timed out', 'ESCALATION_NOTIFY_FAILED', { context: { reason: 'timeout' } })),
        policy.outbox.sinkTimeoutMs + 1_000,
      );
    });
    try {
      return await Promise.race([delivery, limit]);
    } finally {
      clearTimeout(timeout);
    }
  }

  /** Schedules the next try of every row (one digest's rows retry together) and logs it loudly past the threshold. */
  async function recordFailure(rows: OutboxRow[], error: unknown): Promise<void> {
    const e = asBotError(error);
    const reason = typeof e.context['reason'] === 'string' ? `:${e.context['reason']}` : '';
    const attempts = Math.max(...rows.map((r) => r.attempts));
    const delay = Math.max(
      backoffMs(attempts, policy.outbox.retryBaseMs, policy.outbox.retryMaxMs, random()),
      Math.min(e.retryAfterMs ?? 0, policy.outbox.retryMaxMs),
    );
    const next = new Date(clock.now().getTime() + delay);
    for (const row of rows) await cases.markFailed(row.id, row.claimToken, `${e.code}${reason}`, next);
    const first = rows[0]!;
    const fields = {
      code: 'ESCALATION_NOTIFY_FAILED', cause: `${e.code}${reason}`, sink: first.sink,
      ...(rows.length === 1 ? { alertId: first.alertId, caseId: first.caseId } : { alertIds: rows.map((r) => r.alertId) }),
      attempts, retryInMs: delay,
    };
    // Past the threshold the same retry gets louder (error level, counted as failing), never dropped.
    if (attempts >= policy.outbox.failingAfterAttempts) logger.error('moderator alert failing: still retrying', fields);
    else logger.warn('moderator alert not delivered: will retry', fields);
  }

  /**
   * A status change edits every message the sink already shows the case in, whichever way the
   * change came (a button, a typed command, the web, a re-alert) and across restarts, since
   * the refs are read from the store. With nothing to edit, or no edit on the sink, it is posted.
   */
  async function show(sink: ModeratorSink, row: OutboxRow): Promise<{ ref?: string }> {
    const alert = paged(row.alert);
    const refs = alert.kind === 'update' && sink.edit ? await cases.alertRefs(row.caseId, sink.name) : [];
    if (refs.length === 0) {
      // Claimed before (a failed try, or a run that died after posting): a sink that can read
      // back its channel is asked first, so the retry does not post the alert a second time.
      if (row.attempts > 1 && sink.findPosted) {
        const found = await sink.findPosted(alert).catch(() => undefined);
        if (found) return found;
      }
      return sink.deliver(alert);
    }
    for (const ref of refs) await sink.edit!(ref, alert);
    return { ref: refs[refs.length - 1]! };
  }

  async function deliverRow(row: OutboxRow): Promise<boolean> {
    const sink = sinks.get(row.sink);
    try {
      if (!sink) {
        throw new BotError('sink not configured', 'ESCALATION_NOTIFY_FAILED', { context: { reason: 'sink_not_configured' } });
      }
      const { ref } = await bounded(show(sink, row));
      const marked = await cases.markDelivered(row.id, ref, clock.now());
      logger.info(marked ? 'moderator alert delivered' : 'moderator alert redelivered', {
        sink: row.sink, alertId: row.alertId, caseId: row.caseId, kind: row.alert.kind, attempts: row.attempts,
      });
      return true;
    } catch (error) {
      await recordFailure([row], error);
      return false;
    }
  }

  /** One digest message for up to DIGEST_MAX_ALERTS held rows of one sink; resolves with the rows delivered. */
  async function deliverDigest(rows: OutboxRow[]): Promise<number> {
    const sink = sinks.get(rows[0]!.sink);
    if (!sink?.deliverDigest) {
      // A sink that cannot show a digest still gets every alert, one by one, in order.
      let delivered = 0;
      for (const row of rows) if (await deliverRow(row)) delivered++;
      return delivered;
    }
    const alertIds = rows.map((r) => r.alertId);
    const digest: AlertDigest = {
      digestId: digestIdOf(sink.name, alertIds),
      alerts: rows.map((r) => paged(r.alert)),
      createdAt: clock.now().toISOString(),
    };
    try {
      const { ref } = await bounded(sink.deliverDigest(digest));
      const at = clock.now();
      for (const row of rows) await cases.markDelivered(row.id, ref, at);
      logger.info('moderator digest delivered', { sink: sink.name, digestId: digest.digestId, alertIds, attempts: rows[0]!.attempts });
      return rows.length;
    } catch (error) {
      await recordFailure(rows, error);
      return 0;
    }
  }

  /** Due digests: each sink's held rows, in chunks, sinks side by side. */
  async function digests(): Promise<{ delivered: number; failedAttempts: number }> {
    const rows = await cases.claimDigests(clock.now(), leaseMs, batchSize);
    const bySink = new Map<string, OutboxRow[]>();
    for (const row of rows) bySink.set(row.sink, [...(bySink.get(row.sink) ?? []), row]);
    let delivered = 0;
    await Promise.all([...bySink.values()].map(async (list) => {
      for (let i = 0; i < list.length; i += DIGEST_MAX_ALERTS) {
        // Awaited first: `delivered += await …` would read the total before other sinks add to it.
        const sent = await deliverDigest(list.slice(i, i + DIGEST_MAX_ALERTS));
        delivered += sent;
      }
    }));
    return { delivered, failedAttempts: rows.length - delivered };
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
    const digested = await digests();
    delivered += digested.delivered;
    failedAttempts += digested.failedAttempts;
    const metrics = await cases.outboxStats(policy.outbox.failingAfterAttempts, clock.now());
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
      // With the store unavailable at start the outbox still starts: claims expire on their own.
      const released = await cases.releaseClaims(clock.now()).catch((error: unknown) => {
        logger.error('outbox could not release old claims', { code: asBotError(error).code });
        return 0;
      });
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
    stats: () => cases.outboxStats(policy.outbox.failingAfterAttempts, clock.now()),
  };
}
