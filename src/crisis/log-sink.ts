/**
 * A moderator sink that writes alerts to the structured log: the console adapter's
 * moderator channel, and a record that survives when every other sink is down. It logs
 * ids, level, priority and reason codes only: never the excerpt or the user's name
 * (logger.ts: no message text at info).
 */
import type { ModeratorSink } from '../ports.js';
import type { Logger } from '../logger.js';
import { conversationKey } from '../messages.js';
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
        conversationKey: conversationKey(alert.conversation),
        isDirect: alert.isDirect,
        country: alert.country ?? null,
        resourcesSent: alert.resourcesSent,
        reachedPrivately: alert.reachedPrivately,
        policyVersion: alert.policyVersion,
        ...(alert.actedBy !== undefined ? { actedAt: alert.actedAt } : {}),
      };
      // Urgent and high alerts at warn so they stand out in a console or log pipeline.
      if (alert.priority === 'normal') logger.info('moderator alert', fields);
      else logger.warn('moderator alert', fields);
      return { ref: `log:${alert.alertId}` };
    },
    async deliverDigest(digest) {
      // Digests hold normal-priority alerts only (checked at policy load): info level.
      logger.info('moderator digest', {
        digestId: digest.digestId,
        alerts: digest.alerts.map((a) => ({
          alertId: a.alertId, caseId: a.caseId, kind: a.kind, level: a.level, status: a.status, reasons: a.reasons,
          conversationKey: conversationKey(a.conversation), reachedPrivately: a.reachedPrivately,
        })),
      });
      return { ref: `log-digest:${digest.digestId}` };
    },
  });
}
