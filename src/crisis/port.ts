/**
 * What the engine needs from crisis handling, in one narrow seam. The composition root
 * builds it from the resource directory, the output check, escalation (cases and outbox)
 * and country resolution, so the engine's pipeline reads as a sequence of decisions.
 */
import type { RiskLevel } from '../messages.js';
import type { RenderedResources, RenderPlace, RenderRequest } from './directory.js';
import type { RaiseInput } from './escalation.js';

/** Where resources are shown: a DM in full, the public note, or the minimal DMs-closed version. */
export type ResourcePlace = RenderPlace;
export type { RenderedResources };
/** One at-risk message for the case store: the same shape escalation takes. */
export type RaiseCase = RaiseInput;

export interface CrisisTexts {
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
  /** The user's choice, else the community's default, else the operator's; never from language. */
  resolveCountry(userKey: string, communityKey: string | undefined): Promise<string | undefined>;
  /**
   * The language to write to this person in: their stored choice, else the language the screen
   * detected in `text`, else English; Traditional Chinese in HK, MO and TW (issue 12 item 5).
   */
  locale(request: {
    /** Absent when the store cannot be read: then the message alone decides. */
    userKey?: string | undefined;
    communityKey?: string | undefined;
    detected: string | undefined;
    text: string;
  }): Promise<string>;
  /** Verified resources for a country (the international directory, with the country question, when unknown). */
  render(request: RenderRequest): RenderedResources;
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
