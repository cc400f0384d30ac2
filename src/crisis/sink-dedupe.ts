/**
 * In-process idempotency for moderator sinks. The outbox is at-least-once: if marking a row
 * delivered fails after a successful send, the row is sent again with the same alert id.
 * Wrapping a sink remembers recent alert ids (and digest ids) and answers a repeat with the
 * first reference instead of posting twice. Across a process crash the receiver dedupes on the
 * alert id.
 */
import type { AlertDigest, AlertView, ModeratorSink } from '../ports.js';

export const DEFAULT_DEDUPE_CAPACITY = 10_000;

type Result = { ref?: string };

/** Runs each key's delivery once (bounded memory, oldest evicted first); a concurrent repeat shares the attempt. */
function onceByKey<K>(capacity: number): (key: K, attempt: () => Promise<Result>) => Promise<Result> {
  const delivered = new Map<K, Result>();
  const inFlight = new Map<K, Promise<Result>>();
  return async (key, attempt) => {
    const done = delivered.get(key);
    if (done) return done;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const running = attempt();
    inFlight.set(key, running);
    try {
      const result = await running;
      delivered.set(key, result);
      if (delivered.size > capacity) delivered.delete(delivered.keys().next().value as K);
      return result;
    } finally {
      inFlight.delete(key);
    }
  };
}

/** A sink that delivers each alert id (and each digest id) at most once per process. */
export function withDedupe(sink: ModeratorSink, capacity = DEFAULT_DEDUPE_CAPACITY): ModeratorSink {
  const alerts = onceByKey<number>(capacity);
  const wrapped: ModeratorSink = {
    name: sink.name,
    deliver: (alert: AlertView) => alerts(alert.alertId, () => sink.deliver(alert)),
  };
  if (sink.deliverDigest) {
    const digests = onceByKey<string>(capacity);
    const deliverDigest = sink.deliverDigest.bind(sink);
    wrapped.deliverDigest = (digest: AlertDigest) => digests(digest.digestId, () => deliverDigest(digest));
  }
  // Edits are idempotent by nature (the same state shown again), so they pass straight through.
  if (sink.edit) wrapped.edit = sink.edit.bind(sink);
  // Reading back what the channel shows changes nothing: it passes straight through too.
  if (sink.findPosted) wrapped.findPosted = sink.findPosted.bind(sink);
  return wrapped;
}
