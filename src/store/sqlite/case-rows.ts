/**
 * Row shapes of migrations/0002_cases.sql and their mapping to the core's case and alert
 * types. Kept apart from the SQL so sqlite-cases.ts reads as a list of transactions.
 */
import type { ConversationRef, RiskLevel } from '../../messages.js';
import type { AlertPriority, AlertView, CaseStatus } from '../../ports.js';
import type { AuditEvent, CaseOutcome, CaseRecord } from '../case-store.js';

export interface CaseRow {
  id: number;
  user_key: string;
  conversation_key: string;
  platform: string;
  conversation_json: string;
  is_direct: number;
  user_id: string;
  user_display_name: string;
  status: CaseStatus;
  level: RiskLevel;
  reasons_json: string;
  excerpt: string;
  country: string | null;
  resources_sent_json: string;
  reached_privately: number;
  policy_version: string;
  paused: number;
  opened_at: string;
  last_seen_at: string;
  resources_at: string | null;
  resources_level: RiskLevel | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  outcome: CaseOutcome | null;
  next_realert_at: string | null;
  /** migrations/0003: the message that opened or last escalated the case. */
  message_id: string | null;
}

export interface AlertRow {
  id: number;
  case_id: number;
  kind: AlertView['kind'];
  level: RiskLevel;
  priority: AlertPriority;
  created_at: string;
}

export interface OutboxDbRow {
  id: number;
  alert_id: number;
  case_id: number;
  sink: string;
  payload_json: string;
  attempts: number;
}

export interface EventRow {
  case_id: number | null;
  action: string;
  actor: string | null;
  at: string | null;
  note: string | null;
  policy_version: string | null;
  detail_json: string | null;
}

export interface DeliveryRow {
  pending: number | null;
  failing: number | null;
  delivered: number | null;
  last_error: string | null;
}

const date = (value: string | null): Date | undefined => (value === null ? undefined : new Date(value));

export function toCaseRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    userKey: row.user_key,
    conversationKey: row.conversation_key,
    conversation: JSON.parse(row.conversation_json) as ConversationRef,
    isDirect: row.is_direct === 1,
    user: { id: row.user_id, displayName: row.user_display_name },
    status: row.status,
    level: row.level,
    reasons: JSON.parse(row.reasons_json) as string[],
    excerpt: row.excerpt,
    country: row.country ?? undefined,
    resourcesSent: JSON.parse(row.resources_sent_json) as string[],
    reachedPrivately: row.reached_privately === 1,
    policyVersion: row.policy_version,
    paused: row.paused === 1,
    openedAt: new Date(row.opened_at),
    lastSeenAt: new Date(row.last_seen_at),
    resourcesAt: date(row.resources_at),
    resourcesLevel: row.resources_level ?? undefined,
    acknowledgedAt: date(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by ?? undefined,
    resolvedAt: date(row.resolved_at),
    resolvedBy: row.resolved_by ?? undefined,
    outcome: row.outcome ?? undefined,
    nextRealertAt: date(row.next_realert_at),
    messageId: row.message_id ?? undefined,
  };
}

/** The moderator view of a case at the moment an alert is written (a snapshot, stored as the payload). */
export function toAlertView(c: CaseRecord, alert: AlertRow, acted?: { by: string; at: Date }): AlertView {
  const view: AlertView = {
    caseId: c.id,
    alertId: alert.id,
    kind: alert.kind,
    level: c.level,
    priority: alert.priority,
    status: c.status,
    reasons: [...c.reasons],
    platform: c.conversation.platform,
    conversation: { ...c.conversation },
    isDirect: c.isDirect,
    user: { ...c.user },
    excerpt: c.excerpt,
    country: c.country,
    resourcesSent: [...c.resourcesSent],
    reachedPrivately: c.reachedPrivately,
    policyVersion: c.policyVersion,
    createdAt: alert.created_at,
  };
  if (acted) {
    view.actedBy = acted.by;
    view.actedAt = acted.at.toISOString();
  }
  // A private chat is an address only its two members can open: moderators get no link to it.
  if (c.messageId !== undefined && !c.isDirect) view.messageId = c.messageId;
  return view;
}

/**
 * A held alert brought up to date with its case (status, moderator, reached privately), so the
 * digest shows what is true when it goes out. Identity, kind and time stay those of the alert.
 */
export function refreshHeld(held: AlertView, c: CaseRecord, acted?: { by: string; at: Date }): AlertView {
  const view: AlertView = { ...held, status: c.status, reachedPrivately: c.reachedPrivately, resourcesSent: [...c.resourcesSent] };
  if (acted) {
    view.actedBy = acted.by;
    view.actedAt = acted.at.toISOString();
  }
  return view;
}

/** JSON.parse of a stored payload; `country: undefined` does not survive JSON, so restore the key. */
export function parseAlert(payload: string): AlertView {
  const parsed = JSON.parse(payload) as AlertView;
  return { ...parsed, country: parsed.country ?? undefined };
}

/** An audit row as the core reads it (erased fields become undefined). */
export function toEvent(row: EventRow): AuditEvent {
  return {
    caseId: row.case_id ?? undefined,
    action: row.action,
    actor: row.actor ?? undefined,
    at: row.at === null ? undefined : new Date(row.at),
    note: row.note ?? undefined,
    policyVersion: row.policy_version ?? undefined,
    detail: row.detail_json === null ? {} : (JSON.parse(row.detail_json) as Record<string, unknown>),
  };
}
