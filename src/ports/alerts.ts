/**
 * The moderator alert seam: what an alert shows (the minimum a moderator needs, CRISIS.md §6)
 * and the sinks it goes to (a platform's moderator channel, the webhook, the log). The core's
 * outbox decides when an alert is sent, edited or digested; a sink only shows it. Part of the
 * seams in src/ports.ts, which re-exports it.
 */
import type { ConversationRef, RiskLevel } from '../messages.js';

export type AlertPriority = 'normal' | 'high' | 'urgent';
export type CaseStatus = 'open' | 'acknowledged' | 'resolved';

/** Minimum-necessary view of a case for moderators (CRISIS.md §6). Never the full history. */
export interface AlertView {
  caseId: number;
  alertId: number;
  /** new: first alert; escalated: level rose; realert: nobody acknowledged in time; update: status changed. */
  kind: 'new' | 'escalated' | 'realert' | 'update';
  level: RiskLevel;
  priority: AlertPriority;
  status: CaseStatus;
  reasons: string[];
  platform: string;
  conversation: ConversationRef;
  isDirect: boolean;
  user: { id: string; displayName: string };
  /** Short excerpt of the triggering message, for the private moderator channel only. */
  excerpt: string;
  country: string | undefined;
  resourcesSent: string[];
  /** False when the resources could not be delivered privately (DMs closed). */
  reachedPrivately: boolean;
  policyVersion: string;
  createdAt: string;
  actedBy?: string;
  actedAt?: string;
  /**
   * Platform id of the message that opened or last escalated the case (InboundMessage.id), so a
   * moderator channel can link to it (CRISIS.md §6: a link, never a repost). Absent for private
   * chats, which moderators cannot open anyway.
   */
  messageId?: string;
  /**
   * Urgent alerts only: how many urgent alerts this case had before this one. The outbox worker
   * turns it into `page`, so each re-page goes to the next moderator on the on-call list.
   */
  pageIndex?: number;
  /** The on-call moderator this urgent alert pages ("platform:userId"), from policies/escalation.yaml `paging.on_call`. */
  page?: string;
  /** The case's page in the moderator dashboard, when the dashboard has a public address (DASHBOARD_PUBLIC_URL). */
  caseUrl?: string;
}

/**
 * Several held normal-priority alerts delivered as one message (policies/escalation.yaml
 * `digest`). Each entry keeps its own alertId, so receivers can still dedupe per alert.
 */
export interface AlertDigest {
  /** Derived from the sink and the alert ids: the same set always gets the same id (idempotency key). */
  digestId: string;
  /** Oldest first; at most a handful per digest so every platform can show it in one message. */
  alerts: AlertView[];
  /** When the digest was assembled (ISO 8601 UTC). */
  createdAt: string;
}

/** A place alerts go: a platform's moderator channel, or the generic webhook. */
export interface ModeratorSink {
  readonly name: string;
  /** Delivers an alert; resolves with a reference (message id) for later in-place edits. */
  deliver(alert: AlertView): Promise<{ ref?: string }>;
  /**
   * Looks for this alert among what the sink already shows (a post a crashed run made but never
   * recorded as delivered), so a retry does not post it twice. Optional: a sink that cannot read
   * back what it posted (Telegram) is at least once across a crash.
   */
  findPosted?(alert: AlertView): Promise<{ ref?: string } | undefined>;
  /**
   * Delivers held alerts as one digest message. Optional: the outbox sends a sink without it
   * each alert on its own, so no alert ever waits on a sink that cannot show a digest.
   */
  deliverDigest?(digest: AlertDigest): Promise<{ ref?: string }>;
  /**
   * Shows the alert's new state in a message this sink posted earlier (`ref` as deliver
   * returned it). Optional: a sink without it (the log, the webhook) gets each update as a new
   * delivery. The outbox reads the refs from the store, so an edit works after a restart too.
   */
  edit?(ref: string, alert: AlertView): Promise<void>;
}
