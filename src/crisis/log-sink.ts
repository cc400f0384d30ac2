/**
 * A moderator sink that writes alerts to the structured log: the console adapter's
 * moderator channel, and a record that survives when every other sink is down. It logs
 * ids, level, priority and reason codes only: never the excerpt, the user's name, or the
 * conversation (a private chat's id is the user's id): the case id is the reference, and it
 * leads to nobody once /forget erased the case (logger.ts: no message text at info).
 */
import type { ModeratorSink } from '../ports.js';
import type { Logger } from '../logger.js';
import { withDedupe } from './sink-dedupe.js';

export const LOG_SINK_NAME = 'log';

/**
 * Whether any sink besides the log reaches a person. Only then may a text say "a moderator
 * may check in with you" (issue 12 item 6): the log is read by nobody in time.
 */
export function hasModeratorSink(sinkNames: readonly string[]): boolean {
  return sinkNames.some((name) => name !== LOG_SINK_NAME);
}

export function createLogSink(logger: Logger, name = LOG_SINK_NAME): ModeratorSink {
  return withDedupe({
    name,
    async deliver(alert) {
      const fields = {
        alertId: alert.alertId,
        caseId: alert.caseId,
        kind: alert.kind,
        level: alert.level,
        priority: alert.priority,
        status: alert.status,
        reasons: alert.reasons,
        platform: alert.platform,
        isDirect: alert.isDirect,
        country: alert.country ?? null,
        resourcesSent: alert.resourcesSent,
        reachedPrivately: alert.reachedPrivately,
        policyVersion: alert.policyVersion,
        ...(alert.actedBy !== undefined ? { actedAt: alert.actedAt } : {}),
        ...(alert.page !== undefined ? { page: alert.page } : {}),
      };
      // Urgent and high alerts at warn so they stand out in a console or log pipeline.
      if (alert.priority === 'normal') logger.info('moderator alert', fields);
      else logger.warn('moderator alert', fields);
      return { ref: `log:${alert.alertId}` };
    },
    async deliverDigest(digest) {
      // The scheduled digest holds normal-priority alerts only (checked at policy load); a digest of
      // re-alerts sent because many cases were due at once can hold louder ones: warn then.
      const loud = digest.alerts.some((a) => a.priority !== 'normal');
      (loud ? logger.warn : logger.info)('moderator digest', {
        digestId: digest.digestId,
        alerts: digest.alerts.map((a) => ({
          alertId: a.alertId, caseId: a.caseId, kind: a.kind, risk: a.level, priority: a.priority, status: a.status, reasons: a.reasons,
          ...(a.page !== undefined ? { page: a.page } : {}),
          reachedPrivately: a.reachedPrivately,
        })),
      });
      return { ref: `log-digest:${digest.digestId}` };
    },
  });
}
