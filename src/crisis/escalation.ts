/**
 * Human escalation for at-risk conversations (CRISIS.md §6): opens or updates one case per
 * user and conversation, writes its alerts to the outbox in the same transaction, and
 * answers the engine's questions about a conversation (paused? resources due? country?).
 *
 * The engine sends resources first and calls raise() afterwards: the user's safety never
 * waits for a moderator or for the store.
 */
import { conversationKey, riskRank, type ConversationRef, type RiskLevel } from '../messages.js';
import type { Clock } from '../ports.js';
import type { Logger } from '../logger.js';
import { asBotError } from '../errors.js';
import type { MessageStore } from '../store/store.js';
import { digestTime, levelPolicy, type EscalationPolicy } from '../policy/escalation-policy.js';
import type { CaseStore } from '../store/case-store.js';
import { resolveCountry, type CountryResolution } from './country.js';

/**
 * Preference (per platform user key) holding when a moderator resolved the person's case as
 * false_positive: the screen ignores the level carried from before it (issue 12 item 7).
 */
export const RISK_RESET_PREFERENCE = 'risk_reset_at';

/** Longest an alert waits for the resources' first send (quick retries included) before it goes out anyway. */
const ALERT_HOLD_MS = 15_000;

/** Longest excerpt a moderator alert carries (minimum necessary, CRISIS.md §6). */
export const MAX_EXCERPT_CHARS = 280;

export interface RaiseInput {
  conversation: ConversationRef;
  isDirect: boolean;
  user: { id: string; displayName: string };
  /** platformUserKey(platform, user.id). */
  userKey: string;
  level: RiskLevel;
  /** Reason codes, never message text. */
  reasons: string[];
  policyVersion: string;
  /** Short excerpt of the triggering message, for the private moderator channel only. */
  excerpt: string;
  country: string | undefined;
  /** Ids of the directory entries already sent to the user (empty when none were sent). */
  resourcesSent: string[];
  reachedPrivately: boolean;
  /** Platform message id: the idempotency key of this signal. */
  messageId: string;
  at: Date;
  /**
   * A group message nobody addressed to the bot (CRISIS.md §3): moderators get a normal-priority
   * alert whatever the level's priority, and the person gets no public reply.
   */
  unaddressed?: boolean;
  /**
   * The outbox is asked to send the new alerts once this settles (the resources' first send),
   * so the first alert can already say what reached the person. The alerts are committed at
   * once either way; the outbox poll sends them even if this never settles.
   */
  notifyAfter?: Promise<unknown>;
}

export interface RaiseResult {
  /** Undefined below the threshold (nothing happens). */
  caseId: number | undefined;
  created: boolean;
  escalated: boolean;
  /** A new disclosure at the case's level updated it (and its alerts, or re-paged at urgent). */
  updated?: boolean;
  /** Alerts written to the outbox by this call (empty for a redelivery or a same-level repeat). */
  alertIds: number[];
}

export interface EscalationDeps {
  cases: CaseStore;
  messages: MessageStore;
  /** Names of the configured ModeratorSinks; each alert gets one outbox row per name. */
  sinks: string[];
  policy: EscalationPolicy;
  clock: Clock;
  logger: Logger;
  /** CRISIS_DEFAULT_COUNTRY (ISO alpha-2), if the operator set one. */
  defaultCountry?: string | undefined;
  /** Called after alerts are committed, so the outbox worker can send at once (worker.kick). */
  onAlertsWritten?: () => void;
}

export interface Escalation {
  raise(input: RaiseInput): Promise<RaiseResult>;
  /** A moderator paused the bot for this user in this conversation (`case pause`). */
  isPaused(userKey: string, conversationKey: string): Promise<boolean>;
  resolveCountry(keys: { userKey: string; communityKey?: string | undefined }): Promise<CountryResolution>;
  /**
   * Whether resources should be sent now: always when no case is active or the level rose
   * since the last send; otherwise only after the level's resend interval (CRISIS.md §3).
   */
  resourcesDue(input: { userKey: string; conversationKey: string; level: RiskLevel }): Promise<boolean>;
  /**
   * The private message with resources was refused after the case's alert was written: the case
   * now says so, and every sink gets an update (CaseStore.markUnreachable).
   */
  markUnreachable(caseId: number, at: Date, policyVersion: string): Promise<void>;
}

export function createEscalation(deps: EscalationDeps): Escalation {
  const { cases, policy, clock, logger } = deps;
  const sinks = [...new Set(deps.sinks)];
  if (sinks.length === 0) {
    // Cases still open and re-alert; the warning makes a deployment with nowhere to alert visible.
    logger.warn('no moderator sinks configured: alerts stay in the outbox', { code: 'ESCALATION_NOTIFY_FAILED' });
  }

  return {
    async raise(input) {
      if (riskRank(input.level) < riskRank(policy.threshold)) {
        return { caseId: undefined, created: false, escalated: false, alertIds: [] };
      }
      const lp = levelPolicy(policy, input.level);
      const now = clock.now();
      // A digested alert is first seen at the digest: the acknowledgement target counts from there.
      const digestAt = digestTime(policy, input.level, now);
      // After a false_positive resolve, a new signal from the same person opens a case without
      // paging for the policy's hold-off: normal priority, first re-alert when the hold-off ends.
      const falsePositiveAt = await cases.lastFalsePositive(input.userKey);
      const holdOffEnds = falsePositiveAt ? falsePositiveAt.getTime() + policy.falsePositiveHoldOffMs : 0;
      const heldOff = holdOffEnds > now.getTime();
      const quiet = heldOff || input.unaddressed === true;
      const priority = quiet && lp.priority !== 'normal' ? 'normal' : lp.priority;
      const firstTarget = priority === 'urgent' ? Math.min(lp.ackTargetMs, policy.paging.pageNextAfterMs) : lp.ackTargetMs;
      const realertAt = new Date(Math.max((digestAt ?? now).getTime() + firstTarget, heldOff ? holdOffEnds : 0));
      // Only the message's own words are a new disclosure: a level carried from earlier turns, or a
      // combination the conversation completed before, gives only trajectory reasons.
      const disclosure = input.reasons.some((r) => !r.startsWith('trajectory'));
      try {
        const result = await cases.recordSignal({
          userKey: input.userKey,
          conversationKey: conversationKey(input.conversation),
          conversation: input.conversation,
          isDirect: input.isDirect,
          user: input.user,
          level: input.level,
          reasons: input.reasons,
          excerpt: truncate(input.excerpt, MAX_EXCERPT_CHARS),
          country: input.country,
          resourcesSent: input.resourcesSent,
          reachedPrivately: input.reachedPrivately,
          policyVersion: input.policyVersion,
          messageId: input.messageId,
          at: input.at,
          disclosure,
          priority,
          // Held while the resources' first send runs (bounded), then released at once.
          ...(input.notifyAfter ? { holdUntil: new Date(now.getTime() + ALERT_HOLD_MS) } : {}),
          // The target counts from when we alert, not from when the platform stamped the message.
          realertAt,
          sinks,
          ...(digestAt ? { digestAt } : {}),
        });
        const fields = {
          caseId: result.caseRecord.id,
          level: input.level,
          reasons: input.reasons,
          policyVersion: input.policyVersion,
          alertIds: result.alertIds,
          ...(digestAt && (result.created || result.escalated) ? { digestAt: digestAt.toISOString() } : {}),
          ...(heldOff ? { heldOffUntil: new Date(holdOffEnds).toISOString() } : {}),
        };
        if (result.created) logger.info('case opened', fields);
        else if (result.escalated) logger.warn('case escalated', fields);
        else if (result.updated) logger.info('case updated by a new disclosure', fields);
        else logger.debug(result.duplicate ? 'case signal redelivered' : 'case signal recorded', fields);
        if (result.alertIds.length > 0) {
          const caseId = result.caseRecord.id;
          if (input.notifyAfter) {
            void input.notifyAfter.finally(async () => {
              await cases.releaseAlerts(caseId, clock.now());
              deps.onAlertsWritten?.();
            }).catch((error: unknown) => logger.error('could not release a held alert: it goes out when its hold ends', { code: asBotError(error).code, caseId }));
          }
          else deps.onAlertsWritten?.();
        }
        return {
          caseId: result.caseRecord.id,
          created: result.created,
          escalated: result.escalated,
          ...(result.updated ? { updated: true } : {}),
          alertIds: result.alertIds,
        };
      } catch (error) {
        const e = asBotError(error);
        logger.error('case could not be recorded', { code: e.code, level: input.level, reasons: input.reasons });
        throw e;
      }
    },

    async markUnreachable(caseId, at, policyVersion) {
      const { changed, alertId } = await cases.markUnreachable(caseId, at, sinks, policyVersion);
      if (changed) logger.warn('user not reachable privately: moderators updated', { caseId, alertId: alertId ?? null });
      if (alertId !== undefined) deps.onAlertsWritten?.();
    },

    async isPaused(userKey, conversationKey) {
      return (await cases.activeCase(userKey, conversationKey))?.paused ?? false;
    },

    resolveCountry(keys) {
      return resolveCountry(deps.messages, keys, deps.defaultCountry, clock.now());
    },

    async resourcesDue({ userKey, conversationKey, level }) {
      const active = await cases.activeCase(userKey, conversationKey);
      if (!active?.resourcesAt || !active.resourcesLevel) return true;
      if (riskRank(level) > riskRank(active.resourcesLevel)) return true;
      return clock.now().getTime() - active.resourcesAt.getTime() >= levelPolicy(policy, level).resourceResendMs;
    },
  };
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
