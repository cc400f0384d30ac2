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

export function createLogSink(logger: Logger, name = 'log'): ModeratorSink {
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
          reachedPrivately: a.reachedPrivately,
        })),
      });
      return { ref: `log-digest:${digest.digestId}` };
    },
  });
}
