/**
 * The moderator dashboard's storage seams (src/dashboard): sign-in links and sessions, and the
 * read model of the queue and a case's timeline. Async like every store seam, so a PostgreSQL
 * store can implement them too; sqlite-dashboard-auth.ts and sqlite-dashboard-reads.ts do on SQLite.
 * Views get these shapes and nothing else; every change to a case goes through the core's case action.
 */
import { riskRank, type RiskLevel } from '../messages.js';
import type { AlertPriority, AlertView, CaseStatus } from '../ports.js';

export const STATUSES = ['open', 'acknowledged', 'resolved'] as const satisfies readonly CaseStatus[];

/** Where the newest alert of a case stands on one sink. */
export interface SinkState {
  sink: string;
  state: 'delivered' | 'pending' | 'failing' | 'held';
  attempts: number;
  lastError: string | undefined;
}

/** Whether the crisis resources reached the person. */
export type ResourceState =
  | 'none'
  /** Sent privately (the platform accepted the message). */
  | 'sent'
  /** The private message was refused; only a minimal note went to the chat. */
  | 'refused'
  /** Queued or being retried (the resource-delivery queue, when present). */
  | 'pending';

export interface QueueItem {
  id: number;
  status: CaseStatus;
  level: RiskLevel;
  priority: AlertPriority;
  platform: string;
  /** The community (guild, workspace, group) or the channel; "private chat" for a DM. */
  community: string;
  isDirect: boolean;
  paused: boolean;
  openedAt: Date;
  lastSignalAt: Date;
  claimedBy: string | undefined;
  claimedAt: Date | undefined;
  resolvedBy: string | undefined;
  outcome: string | undefined;
  resources: ResourceState;
  resourcesSent: string[];
  sinks: SinkState[];
}

export type TimelineEntry =
  | { at: Date; kind: 'signal'; level: RiskLevel }
  | { at: Date; kind: 'alert'; alertKind: AlertView['kind']; level: RiskLevel; priority: AlertPriority; excerpt: string; reasons: string[]; sinks: SinkState[] }
  | { at: Date; kind: 'resources'; state: ResourceState; resourceIds: string[]; detail: string | undefined }
  | { at: Date | undefined; kind: 'audit'; action: string; actor: string | undefined; note: string | undefined; detail: Record<string, unknown> };

export interface CaseDetail extends QueueItem {
  user: { id: string; displayName: string };
  reasons: string[];
  /** The latest alert's excerpt: the same minimum-necessary text the alerts show. */
  excerpt: string;
  country: string | undefined;
  channel: string;
  policyVersion: string;
  /** Oldest first. */
  timeline: TimelineEntry[];
}

export interface QueueFilter {
  /** 'active' = open and acknowledged. */
  status: CaseStatus | 'active' | 'all';
  level: RiskLevel | undefined;
  platform: string | undefined;
}

export interface DashboardReads {
  /** Cases matching the filter, most urgent first (see byUrgency); at most `limit`. */
  queue(filter: QueueFilter, limit: number): Promise<QueueItem[]>;
  /** Platforms that have cases, for the filter menu. */
  platforms(): Promise<string[]>;
  caseDetail(caseId: number): Promise<CaseDetail | undefined>;
  /**
   * A value that changes whenever anything the dashboard shows changes (a signal, an alert
   * delivered, a moderator action from any platform or process). Cheap: polled every ~half second.
   */
  changeMark(): Promise<string>;
}

const STATUS_ORDER: Record<CaseStatus, number> = { open: 0, acknowledged: 1, resolved: 2 };

/**
 * Most urgent first: unacknowledged before acknowledged before resolved, then the higher level,
 * then the newest signal. An imminent case nobody has claimed is always at the top.
 */
export function byUrgency(a: QueueItem, b: QueueItem): number {
  return STATUS_ORDER[a.status] - STATUS_ORDER[b.status]
    || riskRank(b.level) - riskRank(a.level)
    || b.lastSignalAt.getTime() - a.lastSignalAt.getTime()
    || b.id - a.id;
}


// ─── sign-in ───

/** Who a link or session belongs to. */
export interface Grant {
  /** "platform:userId". */
  userKey: string;
  displayName: string;
  /** Moderator roles the person held when asking for the link (Discord); [] for id-listed moderators. */
  roleIds: string[];
}

export interface StoredSession extends Grant {
  createdAt: Date;
  lastSeenAt: Date;
}

export type RedeemResult = { status: 'ok'; grant: Grant } | { status: 'used' | 'expired' | 'unknown' };

/** Storage of link and session hashes (sqlite-dashboard-auth.ts). Each method is one transaction. */
export interface DashboardAuthStore {
  saveLink(tokenHash: string, grant: Grant, createdAt: Date, expiresAt: Date): Promise<void>;
  /** Marks the link used if it is unused and unexpired; a second redeem of the same link says 'used'. */
  redeemLink(tokenHash: string, now: Date): Promise<RedeemResult>;
  saveSession(tokenHash: string, grant: Grant, at: Date): Promise<void>;
  session(tokenHash: string): Promise<StoredSession | undefined>;
  touchSession(tokenHash: string, at: Date): Promise<void>;
  endSession(tokenHash: string): Promise<void>;
  /** Deletes links past `linksBefore` and sessions idle since `idleBefore` or started before `startedBefore`. */
  purge(linksBefore: Date, idleBefore: Date, startedBefore: Date): Promise<number>;
}
