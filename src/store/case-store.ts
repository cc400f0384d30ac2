/**
 * The case and alert-outbox storage seam (core-owned). Async so a PostgreSQL store can
 * replace SQLite later; every method is one atomic unit of work (one transaction).
 *
 * Delivery guarantee: an alert's outbox rows are written in the same transaction as the
 * case change that caused it, so a case never exists without its alert. A worker claims a
 * row before sending it and marks it delivered exactly once; a crash between "sent" and
 * "marked" can only cause a redelivery, which receivers dedupe on the alert id.
 */
import type { ConversationRef, RiskLevel } from '../messages.js';
import type { AlertPriority, AlertView, CaseStatus } from '../ports.js';

/** Resolution outcomes (CRISIS.md §6 step 8). */
export const CASE_OUTCOMES = [
  'false_positive',
  'resources_accepted',
  'reached_service',
  'emergency',
  'unknown',
] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/** Audit fields that a /forget may keep or erase (policies/escalation.yaml `forget`). */
export const AUDIT_FIELDS = ['action', 'actor', 'at', 'note', 'policy_version'] as const;
export type AuditField = (typeof AUDIT_FIELDS)[number];

export interface CaseRecord {
  id: number;
  userKey: string;
  conversationKey: string;
  conversation: ConversationRef;
  isDirect: boolean;
  user: { id: string; displayName: string };
  status: CaseStatus;
  level: RiskLevel;
  reasons: string[];
  excerpt: string;
  country: string | undefined;
  resourcesSent: string[];
  reachedPrivately: boolean;
  /** Policy version of the signal that opened or last escalated the case. */
  policyVersion: string;
  /** A moderator paused the bot's model replies for this user in this conversation. */
  paused: boolean;
  openedAt: Date;
  lastSeenAt: Date;
  resourcesAt: Date | undefined;
  resourcesLevel: RiskLevel | undefined;
  acknowledgedAt: Date | undefined;
  acknowledgedBy: string | undefined;
  resolvedAt: Date | undefined;
  resolvedBy: string | undefined;
  outcome: CaseOutcome | undefined;
  /** Next re-alert while unacknowledged; undefined once acknowledged or resolved. */
  nextRealertAt: Date | undefined;
  /** Platform id of the message that opened or last escalated the case (the excerpt's message). */
  messageId: string | undefined;
}

/** One at-risk message at or above the threshold, with the policy values for its level. */
export interface CaseSignal {
  userKey: string;
  conversationKey: string;
  conversation: ConversationRef;
  isDirect: boolean;
  user: { id: string; displayName: string };
  level: RiskLevel;
  reasons: string[];
  excerpt: string;
  country: string | undefined;
  resourcesSent: string[];
  reachedPrivately: boolean;
  policyVersion: string;
  /** Platform message id: a redelivered message is a no-op. */
  messageId: string;
  at: Date;
  /**
   * The message discloses risk at this level by its own words (not only the level carried from
   * earlier messages): at the case's level it moves the excerpt and sends an update alert, and
   * at an urgent level it re-pages at once. Omitted: treated as a disclosure.
   */
  disclosure?: boolean;
  /** Alert priority for this level (policy). */
  priority: AlertPriority;
  /** When an unacknowledged alert at this level is re-sent (at + ack target). */
  realertAt: Date;
  /** Sink names that get one outbox row each. */
  sinks: string[];
  /**
   * When set, a 'new' or 'escalated' alert waits in the outbox until this time and goes out in
   * that sink's digest (policies/escalation.yaml `digest`). Unset: delivered at once, and rows of
   * this case still held for a digest are released at once, so the moderators read them in order.
   */
  digestAt?: Date;
  /**
   * The alerts this signal writes are not sent before this time unless releaseAlerts() comes
   * first: the bot is still sending the person's resources, and the alert should say whether
   * they arrived. A bound, so an alert is never held for longer than this.
   */
  holdUntil?: Date;
}

export interface SignalResult {
  caseRecord: CaseRecord;
  created: boolean;
  /** The level rose on an active case: an 'escalated' alert was written. */
  escalated: boolean;
  /** A new disclosure at the case's level: the excerpt moved and an update (or, urgent, a re-page) was written. */
  updated: boolean;
  /** The message was already recorded; nothing changed. */
  duplicate: boolean;
  alertIds: number[];
}

export type CaseActionKind = 'acknowledge' | 'resolve' | 'note' | 'pause' | 'resume';

export interface CaseAction {
  kind: CaseActionKind;
  caseId: number;
  /** "platform:userId" of the moderator. */
  actor: string;
  /** Display name shown on the edited alert. */
  actorName: string;
  at: Date;
  outcome?: CaseOutcome;
  note?: string;
  /** Sinks that receive an 'update' alert for this action (status changes only). */
  updateSinks: string[];
  /** The action came from the moderator dashboard, not a chat: written on the audit row. */
  via?: 'web';
}

export type CaseActionResult =
  | { status: 'ok'; caseRecord: CaseRecord; alert: AlertView }
  | { status: 'not_found' }
  /** The action does not apply in the case's current state (already acknowledged, resolved). */
  | { status: 'invalid_state'; caseRecord: CaseRecord };

export interface AuditEvent {
  caseId: number | undefined;
  action: string;
  actor: string | undefined;
  at: Date | undefined;
  note: string | undefined;
  policyVersion: string | undefined;
  detail: Record<string, unknown>;
}

/** One case as /export shows it to the person it is about. */
export interface CaseExport {
  id: number;
  status: CaseStatus;
  level: RiskLevel;
  reasons: string[];
  excerpt: string;
  country: string | undefined;
  resourcesSent: string[];
  reachedPrivately: boolean;
  openedAt: string;
  acknowledgedAt: string | undefined;
  resolvedAt: string | undefined;
  outcome: CaseOutcome | undefined;
  /** Each message that raised or touched the case: its level and time. */
  signals: Array<{ level: RiskLevel; at: string }>;
  /** Alerts written to moderators about the case (kind, level, priority, when). */
  alerts: Array<{ id: number; kind: string; level: RiskLevel; priority: AlertPriority; at: string }>;
  /** The case's audit log (moderators are named by their platform id). */
  audit: Array<{ action: string; actor: string | undefined; at: string | undefined; note: string | undefined }>;
  /** Resource messages the bot queued for the person, and whether each arrived. */
  resourceDeliveries: Array<{ resources: string[]; level: RiskLevel; country: string | undefined; queuedAt: string; deliveredAt: string | undefined; supersededAt: string | undefined; attempts: number }>;
}

/** A claimed outbox row: one alert for one sink. */
export interface OutboxRow {
  id: number;
  alertId: number;
  caseId: number;
  sink: string;
  alert: AlertView;
  /** Attempts including this one. */
  attempts: number;
  claimToken: string;
}

export interface DeliveryState {
  pending: number;
  /** Pending rows whose attempts reached the policy's failing threshold. */
  failing: number;
  delivered: number;
  lastError: string | undefined;
}

export interface CaseSummary extends CaseRecord {
  delivery: DeliveryState;
}

export interface RealertInput {
  caseId: number;
  expectedDue: Date;
  at: Date;
  nextRealertAt: Date;
  priority: AlertPriority;
  sinks: string[];
  /**
   * Re-alerts a case gets in all (each goes once to every sink, so this bounds them per sink).
   * When this re-alert is the last one, re-alerts stop: the case waits in `case list`.
   */
  maxRealerts?: number;
  /** Held for the sink's digest at this time (many cases due at once) instead of sent one by one. */
  digestAt?: Date;
}

export interface CaseStore {
  // ── cases ──
  /** Opens, escalates or touches the active case for the signal, writing alerts and outbox rows in one transaction. */
  recordSignal(signal: CaseSignal): Promise<SignalResult>;
  /**
   * The person's active (not resolved) case: one per person per community, across DM and group.
   * A case in this conversation comes first; else one in the same community (`communityId`), or
   * a private one. Without `communityId` (a DM, which belongs to no community) any active case
   * of the person counts, newest first.
   */
  activeCase(userKey: string, conversationKey: string, communityId?: string): Promise<CaseRecord | undefined>;
  /** When the person's latest case resolved as false_positive was resolved, if any. */
  lastFalsePositive(userKey: string): Promise<Date | undefined>;
  getCase(caseId: number): Promise<CaseRecord | undefined>;
  /** Makes the case's held alerts (CaseSignal.holdUntil) due at `at`. */
  releaseAlerts(caseId: number, at: Date): Promise<void>;
  /** Remembers that resources were sent in this case at this level (resend interval). */
  markResourcesSent(caseId: number, level: RiskLevel, at: Date): Promise<void>;
  /** Applies a moderator action with its state check and audit row in one transaction. */
  applyAction(action: CaseAction): Promise<CaseActionResult>;
  /**
   * The private message with resources was refused after the case's alert was written (Discord
   * and Telegram only refuse a DM when it is sent). In one transaction: reached_privately becomes
   * false, an audit row is written, and every sink gets an 'update' alert saying so; a sink whose
   * alert for this case is still held for a digest gets that held alert corrected instead.
   * `changed` is false for an unknown case or one already marked unreachable (the audit row is
   * still written); `alertId` is the update alert, absent when every sink's alert was still held.
   */
  markUnreachable(
    caseId: number, at: Date, sinks: string[], policyVersion?: string,
  ): Promise<{ changed: boolean; alertId: number | undefined }>;
  /** Appends an audit row that belongs to no state change (refused attempts). */
  appendAudit(event: AuditEvent): Promise<void>;
  auditLog(caseId: number): Promise<AuditEvent[]>;
  /** Cases newest first with their alert delivery state; `failingAfterAttempts` marks rows as failing. */
  listCases(options: { activeOnly: boolean; failingAfterAttempts: number; limit?: number }): Promise<CaseSummary[]>;

  // ── re-alerts ──
  /** Open (unacknowledged) cases whose re-alert is due at `now`. */
  dueRealerts(now: Date): Promise<CaseRecord[]>;
  /**
   * Writes a 'realert' alert if the case is still open and its due time is still `expectedDue`
   * (so two workers never re-alert twice), and schedules the next one. Resolves with the alert id.
   */
  addRealert(input: RealertInput): Promise<number | undefined>;

  // ── outbox ──
  /** Claims up to `limit` undelivered rows due at `now` for `leaseMs` and counts the attempt (never rows held for a digest). */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  /** Claims up to `limit` rows held for a digest whose digest is due at `now`, ordered by sink then age. */
  claimDigests(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  /**
   * The messages a sink shows this case in: the refs of its delivered single-alert rows (never
   * a digest's, which holds other cases too), oldest first, each once. A status change edits them.
   */
  alertRefs(caseId: number, sink: string): Promise<string[]>;
  /** Marks a row delivered; false if it was already delivered (so it is marked exactly once). */
  markDelivered(rowId: number, ref: string | undefined, at: Date): Promise<boolean>;
  /** Records a failed attempt and when to try again; the row stays in the outbox. */
  markFailed(rowId: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void>;
  /**
   * Releases every claim: at startup, after a crash, rows claimed by the dead process go out at
   * once. With `dueAt`, every undelivered row scheduled later is made due then (a restart retries
   * at once instead of waiting out a backoff chosen before the crash). Resolves with the claims released.
   */
  releaseClaims(dueAt?: Date): Promise<number>;
  /**
   * Undelivered rows, and those past the failing threshold. With `now`, rows still waiting for a
   * future digest (never attempted) are not counted: they are scheduled, not stuck.
   */
  outboxStats(failingAfterAttempts: number, now?: Date): Promise<{ depth: number; failing: number }>;

  // ── privacy and retention ──
  /** Every stored record about the person (/export): their cases with signals, alerts, audit rows and resource deliveries. */
  exportUser(userKey: string): Promise<CaseExport[]>;
  /** Erases a user's identity and excerpts from cases, alerts and audit (keeping `keepAuditFields`). */
  forgetUser(userKey: string, keepAuditFields: readonly AuditField[]): Promise<number>;
  /** Deletes resolved cases (with their audit and delivered alerts) resolved before `before`. */
  purgeResolved(before: Date): Promise<number>;
}
