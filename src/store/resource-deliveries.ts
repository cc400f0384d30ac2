/**
 * The resource-delivery queue seam (issue 12 item 3, "delivery truth"). Crisis resources count
 * as sent only when the platform confirmed the send: each resource message is queued before it
 * is sent, claimed for the send, and marked delivered (which updates the case and its alerts in
 * the same transaction) or failed (retried later with backoff). Async so a PostgreSQL store can
 * replace SQLite later; every method is one transaction.
 */
import type { ConversationRef, RiskLevel } from '../messages.js';

/** Where the resources are shown: the DM in full, or the minimal in-place text when DMs are closed. */
export type DeliveryPlace = 'private' | 'private-unreachable';

export interface NewResourceDelivery {
  caseId: number | undefined;
  userKey: string;
  conversation: ConversationRef;
  place: DeliveryPlace;
  level: RiskLevel;
  country: string | undefined;
  locale: string;
  about: 'self' | 'other';
  /** Directory ids the rendered text carries ("what reached the person" once delivered). */
  resourceIds: string[];
  replyToId?: string | undefined;
  at: Date;
}

export interface ResourceDelivery extends Omit<NewResourceDelivery, 'at' | 'replyToId'> {
  id: number;
  replyToId: string | undefined;
  attempts: number;
  createdAt: Date;
  deliveredAt: Date | undefined;
  supersededAt: Date | undefined;
  lastError: string | undefined;
}

/** A row claimed for one send attempt. */
export interface ClaimedDelivery extends ResourceDelivery {
  claimToken: string;
}

export interface DeliveredResult {
  /** False when the row was already delivered or superseded (nothing changed). */
  marked: boolean;
  /** The 'update' alert written because a sink had already been told less; absent when none was needed. */
  alertId: number | undefined;
}

export interface ResourceDeliveryStore {
  /**
   * Queues a resource message. Older undelivered messages for the same person in the same
   * conversation are superseded: the newest carries the current level and country.
   */
  enqueue(d: NewResourceDelivery): Promise<{ id: number; superseded: number }>;
  /** Claims one row for an immediate send; undefined when it is delivered, superseded or claimed. */
  claim(id: number, now: Date, leaseMs: number): Promise<ClaimedDelivery | undefined>;
  /** Claims rows due at `now` (rows of resolved cases are superseded instead). */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Claims every undelivered row of a person at once, whatever its backoff (they wrote again). */
  claimForUser(userKey: string, now: Date, leaseMs: number): Promise<ClaimedDelivery[]>;
  /**
   * The platform confirmed the send. In one transaction: the row is delivered, its case records
   * the resources as sent (ids, time, level), and the moderators' alerts say so: an alert not yet
   * sent to a sink is corrected in place, any other sink gets an 'update' alert (normal priority).
   */
  markDelivered(id: number, claimToken: string, ref: string | undefined, at: Date, sinks: string[]): Promise<DeliveredResult>;
  /** The platform refused for good (DMs closed on send): the row is superseded, never retried. */
  markRefused(id: number, claimToken: string, errorCode: string, at: Date): Promise<void>;
  /** Records a failed attempt and when to try again; the row stays queued. */
  markFailed(id: number, claimToken: string, errorCode: string, nextAttemptAt: Date): Promise<void>;
  /** At startup: claims left by a dead process are released and every queued row is due now. */
  releaseClaims(dueAt: Date): Promise<number>;
  /** Every row of a person, oldest first (for /export and tests). */
  forUser(userKey: string): Promise<ResourceDelivery[]>;
  /** Undelivered, not superseded rows. */
  pendingCount(): Promise<number>;
}
