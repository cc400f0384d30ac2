/**
 * In-process idempotency for moderator sinks. The outbox is at-least-once: if marking a row
 * delivered fails after a successful send, the row is sent again with the same alert id.
 * Wrapping a sink remembers recent alert ids and answers a repeat with the first reference
 * instead of posting twice. Across a process crash the receiver dedupes on the alert id.
 */
import type { AlertView, ModeratorSink } from '../ports.js';

export const DEFAULT_DEDUPE_CAPACITY = 10_000;

/** A sink that delivers each alert id at most once per process (bounded memory, oldest evicted first). */
export function withDedupe(sink: ModeratorSink, capacity = DEFAULT_DEDUPE_CAPACITY): ModeratorSink {
  const delivered = new Map<number, { ref?: string }>();
  const inFlight = new Map<number, Promise<{ ref?: string }>>();
  return {
    name: sink.name,
    async deliver(alert: AlertView) {
      const done = delivered.get(alert.alertId);
      if (done) return done;
      const pending = inFlight.get(alert.alertId);
      if (pending) return pending;
      const attempt = sink.deliver(alert);
      inFlight.set(alert.alertId, attempt);
      try {
        const result = await attempt;
        delivered.set(alert.alertId, result);
        if (delivered.size > capacity) delivered.delete(delivered.keys().next().value as number);
        return result;
      } finally {
        inFlight.delete(alert.alertId);
      }
    },
  };
}
