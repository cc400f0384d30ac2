/**
 * Prometheus metrics on prom-client, in a registry of our own (never the global default, so
 * two bots in one process, as in tests, never share or clash). Implements the engine's
 * EngineMetrics seam (count/observe by name) plus the outbox gauges.
 *
 * Privacy: a label never carries a user id, a conversation id or message text. Only the
 * label names in SAFE_LABELS are kept (anything else is dropped), and a value must look like
 * a short code (`telegram`, `high`, `LLM_TIMEOUT`); anything else is counted as "invalid".
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxMetrics } from '../crisis/outbox.js';
import type { EngineMetrics } from '../engine.js';
import type { ModeratorSink } from '../ports.js';

/** Label names that can only hold codes, never identities or text. */
const SAFE_LABELS = ['platform', 'level', 'stage', 'code', 'outcome', 'action', 'sink'] as const;
const SAFE_VALUE = /^[A-Za-z0-9_.:-]{1,48}$/;
const NAME = /^[a-z][a-z0-9_]{0,80}$/;

/** Model answers take seconds (reasoning included), up to the 120 s default deadline. */
const MODEL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
/** Our own work before the model call: screen, store reads, prompt building. */
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

interface Definition {
  help: string;
  labels: readonly string[];
  buckets?: number[];
}

/** The series the engine, crisis responder, moderation and outbox report (engine.ts, crisis/responder.ts). */
const COUNTERS: Record<string, Definition> = {
  messages_total: { help: 'Messages handled end to end, by platform and risk level', labels: ['platform', 'level'] },
  messages_duplicate_total: { help: 'Redelivered messages dropped by the dedupe step', labels: ['platform'] },
  messages_limited_total: { help: 'Messages refused by the per-user rate limit (never a message at risk)', labels: ['platform'] },
  risk_assessments_total: { help: 'Risk assessments, by level and stage (screen, judge)', labels: ['level', 'stage'] },
  cases_opened_total: { help: 'Moderator cases opened, by level', labels: ['level'] },
  case_open_failures_total: { help: 'Cases that could not be opened (resources were still sent)', labels: ['code'] },
  case_actions_total: { help: 'Moderator actions on cases (action="acknowledge" counts cases acknowledged)', labels: ['action', 'level'] },
  resources_sent_total: { help: 'Verified crisis resource messages sent, by level', labels: ['level'] },
  model_errors_total: { help: 'Model calls that failed, by error code', labels: ['code'] },
  output_check_failures_total: { help: 'Model answers replaced because they failed the output check', labels: ['level'] },
  engine_errors_total: { help: 'Messages whose handling failed, by error code', labels: ['code'] },
  alert_deliveries_total: { help: 'Moderator alert delivery attempts, by sink and outcome (ok, failed)', labels: ['sink', 'outcome'] },
};

const HISTOGRAMS: Record<string, Definition> = {
  model_latency_seconds: { help: 'Model answer time, reasoning included, by outcome (ok, error)', labels: ['outcome'], buckets: MODEL_BUCKETS },
  engine_overhead_seconds: { help: 'Time from picking a message up to calling the model', labels: [], buckets: OVERHEAD_BUCKETS },
};

export interface MetricsOptions {
  /** Prefix of our series (default "oyster_"). */
  prefix?: string;
  /** Also export Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export interface BotMetrics extends EngineMetrics {
  readonly registry: Registry;
  /** The outbox worker's onMetrics: undelivered alerts and alerts past the failing threshold. */
  outbox(stats: OutboxMetrics): void;
  /** The Prometheus text exposition. */
  exposition(): Promise<{ contentType: string; body: string }>;
}

function safeLabels(labels: Record<string, string> | undefined, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!labels) return out;
  for (const name of allowed) {
    const value = labels[name];
    if (value === undefined) continue;
    out[name] = SAFE_VALUE.test(value) ? value : 'invalid';
  }
  return out;
}

/** Builds the registry with every known series declared up front (HELP and TYPE show from the start). */
export function createMetrics(options: MetricsOptions = {}): BotMetrics {
  const prefix = options.prefix ?? 'oyster_';
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const counters = new Map<string, { metric: Counter<string>; labels: readonly string[] }>();
  const histograms = new Map<string, { metric: Histogram<string>; labels: readonly string[] }>();
  const addCounter = (name: string, def: Definition) => {
    const metric = new Counter({ name: `${prefix}${name}`, help: def.help, labelNames: [...def.labels], registers: [registry] });
    counters.set(name, { metric, labels: def.labels });
    return counters.get(name)!;
  };
  const addHistogram = (name: string, def: Definition) => {
    const metric = new Histogram({
      name: `${prefix}${name}`, help: def.help, labelNames: [...def.labels], registers: [registry],
      ...(def.buckets ? { buckets: def.buckets } : {}),
    });
    histograms.set(name, { metric, labels: def.labels });
    return histograms.get(name)!;
  };
  for (const [name, def] of Object.entries(COUNTERS)) addCounter(name, def);
  for (const [name, def] of Object.entries(HISTOGRAMS)) addHistogram(name, def);

  const outboxDepth = new Gauge({ name: `${prefix}outbox_depth`, help: 'Moderator alerts not yet delivered (outbox rows)', registers: [registry] });
  const outboxFailing = new Gauge({
    name: `${prefix}outbox_failing`, help: 'Undelivered alerts past the failing threshold (still retried, never dropped)', registers: [registry],
  });

  // A name the engine reports that is not declared above (a newer engine) still gets a series,
  // with only the safe label names it used first.
  const declare = (labels: Record<string, string> | undefined) =>
    SAFE_LABELS.filter((l) => labels?.[l] !== undefined);

  return {
    registry,
    count(name, labels) {
      // Metrics must never break message handling: a bad name or label is dropped, not thrown.
      try {
        if (!NAME.test(name)) return;
        const entry = counters.get(name) ?? addCounter(name, { help: `${name} (reported by the engine)`, labels: declare(labels) });
        entry.metric.inc(safeLabels(labels, entry.labels));
      } catch {
        /* see above */
      }
    },
    observe(name, seconds, labels) {
      try {
        if (!NAME.test(name) || !Number.isFinite(seconds) || seconds < 0) return;
        const entry = histograms.get(name) ?? addHistogram(name, { help: `${name} (reported by the engine)`, labels: declare(labels) });
        entry.metric.observe(safeLabels(labels, entry.labels), seconds);
      } catch {
        /* see count */
      }
    },
    outbox(stats) {
      outboxDepth.set(stats.depth);
      outboxFailing.set(stats.failing);
    },
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * Wraps a moderator sink so each delivery attempt is counted by sink name and outcome. The
 * name is kept (the outbox routes rows by it), and so are digests and edits, uncounted.
 */
export function countDeliveries(sink: ModeratorSink, metrics: EngineMetrics): ModeratorSink {
  return {
    ...(sink.deliverDigest ? { deliverDigest: sink.deliverDigest.bind(sink) } : {}),
    ...(sink.edit ? { edit: sink.edit.bind(sink) } : {}),
    name: sink.name,
    async deliver(alert) {
      try {
        const result = await sink.deliver(alert);
        metrics.count('alert_deliveries_total', { sink: sink.name, outcome: 'ok' });
        return result;
      } catch (error) {
        metrics.count('alert_deliveries_total', { sink: sink.name, outcome: 'failed' });
        throw error;
      }
    },
  };
}
