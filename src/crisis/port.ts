/**
 * What the engine needs from crisis handling, in one narrow seam. The composition root
 * builds it from the resource directory, the output check, escalation (cases and outbox)
 * and country resolution, so the engine's pipeline reads as a sequence of decisions.
 */
import type { ConversationRef, RiskLevel } from '../messages.js';

export type ResourcePlace = 'private' | 'public' | 'private-unreachable';

export interface RenderedResources {
  text: string;
  /** Every phone number or short code in `text`, each verbatim from the directory. */
  numbers: string[];
  resourceIds: string[];
  /** The text asks the user which country they are in. */
  askedCountry: boolean;
}

export interface RaiseCase {
  conversation: ConversationRef;
  isDirect: boolean;
  user: { id: string; displayName: string };
  userKey: string;
  level: RiskLevel;
  reasons: string[];
  policyVersion: string;
  excerpt: string;
  country: string | undefined;
  resourcesSent: string[];
  reachedPrivately: boolean;
  messageId: string;
  at: Date;
}

export interface CrisisTexts {
  /** Short caring note for a public channel: no details, no quoting. */
  publicNote: string;
  /** Sent in place of a model reply that failed the output check, per level. */
  safeReply(level: RiskLevel): string;
  /** Sent once when a moderator has paused the bot for this user. */
  handoff: string;
}

export interface CrisisPort {
  /** Lowest level that shows resources and alerts moderators (moderate by default). */
  readonly threshold: RiskLevel;
  /** The operator's default country (CRISIS_DEFAULT_COUNTRY), for when no stored choice can be read. */
  readonly fallbackCountry: string | undefined;
  /**
   * Whether resources should go out now: always for a new case or a higher level, otherwise
   * only after the level's resend interval (CRISIS.md §3).
   */
  resourcesDue(userKey: string, conversationKey: string, level: RiskLevel): Promise<boolean>;
  resolveCountry(userKey: string, communityKey: string | undefined): Promise<{ country: string | undefined; shouldAsk: boolean }>;
  render(request: {
    country: string | undefined;
    level: RiskLevel;
    locale: string;
    place: ResourcePlace;
    about: 'self' | 'other';
    askCountry: boolean;
  }): RenderedResources;
  texts(locale: string): CrisisTexts;
  checkOutput(text: string, level: RiskLevel): { ok: true } | { ok: false; reasons: string[] };
  /** Opens or updates the case and writes its alerts to the outbox in one transaction. */
  raise(input: RaiseCase): Promise<{ caseId: number | undefined; created: boolean; escalated: boolean }>;
  isPaused(userKey: string, conversationKey: string): Promise<boolean>;
  /**
   * The private message was refused after the alert was written (Discord and Telegram only
   * refuse a DM when it is sent): the case is marked not reached privately, the refusal is
   * audited, and every moderator sink gets an update saying so, in one transaction.
   */
  noteUnreachable(caseId: number, at: Date, policyVersion: string): Promise<void>;
}
