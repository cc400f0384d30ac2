/**
 * The moderator-channel sink every platform shares: post an alert or a digest as a new
 * message, and edit a message posted earlier when the core's outbox brings a status change (it
 * reads the message refs from the store, so the edit works after a restart). What the alert
 * says is the core's card (src/alerts/card.ts); the adapter supplies only its format and the
 * two platform calls. Dedupe of redelivered alerts happens once, in the core (withDedupe).
 */
import type { Logger } from '../../src/logger.js';
import type { AlertDigest, AlertView, ModeratorSink } from '../../src/ports.js';

/** An alert or digest in the platform's message format (embed, blocks, HTML and keyboard). */
export interface AlertFormat<Body> {
  alert(alert: AlertView): Body;
  digest(digest: AlertDigest): Body;
}

/** How the adapter reaches its moderator channel. */
export interface AlertChannel<Body> {
  /**
   * Posts a new message and resolves with its ref. `key` is stable per alert (`a<alertId>`) or
   * digest (`d<digestId>`), for platforms that can make a retried post idempotent (Discord's nonce).
   */
  post(body: Body, key: string): Promise<string>;
  /** Replaces a message posted earlier (`ref` as post resolved it). */
  edit(ref: string, body: Body): Promise<void>;
  /**
   * The ref of a message posted with `key` since `since`, read back from the channel (Slack's
   * history and message metadata); undefined when none. Optional: Telegram bots cannot read
   * their chat's history, so there a post cut short by a crash can be posted again.
   */
  find?(key: string, since: Date): Promise<string | undefined>;
}

export function createAlertSink<Body>(name: string, format: AlertFormat<Body>, channel: AlertChannel<Body>, logger?: Logger): ModeratorSink {
  return {
    name,
    async deliver(alert) {
      const ref = await channel.post(format.alert(alert), `a${alert.alertId}`);
      logger?.info('moderator alert posted', { sink: name, caseId: alert.caseId, alertId: alert.alertId, level: alert.level });
      return { ref };
    },
    async deliverDigest(digest) {
      const ref = await channel.post(format.digest(digest), `d${digest.digestId}`);
      logger?.info('moderator digest posted', { sink: name, digestId: digest.digestId, alertIds: digest.alerts.map((a) => a.alertId) });
      return { ref };
    },
    edit: (ref, alert) => channel.edit(ref, format.alert(alert)),
    ...(channel.find ? {
      findPosted: async (alert: AlertView) => {
        const ref = await channel.find!(`a${alert.alertId}`, new Date(alert.createdAt));
        return ref === undefined ? undefined : { ref };
      },
    } : {}),
  };
}
