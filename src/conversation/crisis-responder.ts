/**
 * Step 5 of the pipeline: what the bot does at once when a conversation is at risk.
 * Order matters and is chosen to fail toward the person's safety:
 *   1. find where to reach the user privately (their DM), without waiting for the model;
 *   2. open or update the case and write its alert to the outbox in one transaction, so a
 *      crash from here on can delay an alert but never lose it;
 *   3. send the verified resources: in a DM in full; in a public channel a short caring note
 *      in place and the full text by DM, or a minimal in-place version when DMs are closed.
 * A failure in one step is logged with its code and never stops the next.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asBotError } from '../errors.js';
import { communityKey } from '../crisis/country.js';
import type { CrisisPort, ResourcePlace } from '../crisis/port.js';
import type { Logger } from '../logger.js';
import {
  type ConversationRef,
  type InboundMessage,
  conversationKey,
  platformUserKey,
  riskRank,
} from '../messages.js';
import type { Clock, PlatformAdapter, RiskAssessment, RiskAssessor } from '../ports.js';
import type { MessageStore, ResourceMark } from '../store/store.js';
import { excerptOf } from './text.js';

type Channel = Pick<PlatformAdapter, 'send' | 'openDirect'>;

export interface CrisisResponderDeps {
  store: MessageStore;
  crisis: CrisisPort;
  clock: Clock;
  logger: Logger;
  metrics?: { count(name: string, labels?: Record<string, string>): void };
}

const HANDOFF_SENT = 'handoff_sent';
/** Crisis texts get up to three tries on a transient platform failure, waiting at most 5 s. */
const RESOURCE_SEND_ATTEMPTS = 3;
const MAX_RESOURCE_RETRY_WAIT_MS = 5_000;


export class CrisisResponder {
  constructor(private readonly deps: CrisisResponderDeps) {}

  async respond(
    message: InboundMessage,
    channel: Channel,
    assessment: RiskAssessment,
    locale: string,
    text: string,
    /**
     * 'decide': ask whether resources are due and record the decision on the message before
     * anything is sent, so a resumed message knows; a ResourceMark: a resumed message's
     * recorded decision ('due' is sent now, 'sent' and 'none' are not sent again); omitted:
     * decide without recording (a later escalation of the same message).
     */
    resources?: ResourceMark | 'decide',
  ): Promise<{ caseId: number | undefined; direct: ConversationRef | undefined }> {
    const { crisis, clock, logger } = this.deps;
    const now = clock.now();
    const platform = message.conversation.platform;
    const userKey = platformUserKey(platform, message.author.id);
    const level = assessment.level;
    const about = assessment.about ?? 'self';

    const country = await crisis.resolveCountry(userKey, communityKey(message.conversation));
    let direct = message.isDirect ? message.conversation : await this.openDirect(channel, message.author.id);
    // Asked before the case is updated: the case records when resources last went out.
    const resend = resources === 'due' || (resources !== 'sent' && resources !== 'none'
      && await crisis.resourcesDue(userKey, conversationKey(message.conversation), level));
    if (resources === 'decide') await this.mark(message, resend ? 'due' : 'none');
    const place: ResourcePlace = direct ? 'private' : 'private-unreachable';
    const rendered = crisis.render({ country, level, locale, place, about });

    let caseId: number | undefined;
    try {
      const raised = await crisis.raise({
        conversation: message.conversation,
        isDirect: message.isDirect,
        user: { id: message.author.id, displayName: message.author.displayName },
        userKey,
        level,
        reasons: assessment.reasons,
        policyVersion: assessment.policyVersion,
        excerpt: excerptOf(text),
        country,
        resourcesSent: resend ? rendered.resourceIds : [],
        reachedPrivately: direct !== undefined,
        messageId: message.id,
        at: now,
      });
      caseId = raised.caseId;
      if (raised.created) this.deps.metrics?.count('cases_opened_total', { level });
    } catch (error) {
      // The user still gets their resources below; the failure is loud in logs and metrics.
      const e = asBotError(error);
      logger.error('could not open the case', { code: e.code, platform, level });
      this.deps.metrics?.count('case_open_failures_total', { code: e.code });
    }

    if (!resend) return { caseId, direct };
    const sendSafely = async (conversation: ConversationRef, body: string, kind: 'resources' | 'public-note', replyToId?: string) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await channel.send({ conversation, text: body, kind, ...(replyToId ? { replyToId } : {}) });
          return true;
        } catch (error) {
          const e = asBotError(error);
          const transient = e.code === 'PLATFORM_NETWORK' || e.code === 'PLATFORM_RATE_LIMITED';
          logger.warn('could not send crisis text', { code: e.code, kind, attempt, conversation: conversationKey(conversation) });
          // Resources are worth a few quick retries on a transient failure; a refusal
          // (PLATFORM_PERMISSION: DMs closed) is final and handled by the caller.
          if (!transient || attempt >= RESOURCE_SEND_ATTEMPTS) return false;
          await sleep(Math.min(e.retryAfterMs ?? 250 * 4 ** (attempt - 1), MAX_RESOURCE_RETRY_WAIT_MS));
        }
      }
    };

    if (message.isDirect) {
      await sendSafely(message.conversation, rendered.text, 'resources', message.id);
    } else {
      // The private message goes first: the public note says one was sent, so it must be true.
      const delivered = direct ? await sendSafely(direct, rendered.text, 'resources') : false;
      if (delivered) {
        await sendSafely(message.conversation, crisis.texts(locale).publicNote, 'public-note', message.id);
      } else {
        if (direct && caseId !== undefined) {
          await crisis.noteUnreachable(caseId, now, assessment.policyVersion).catch((error: unknown) =>
            logger.warn('could not note the refused DM on the case', { code: asBotError(error).code }));
        }
        direct = undefined;
        const minimal = crisis.render({ country, level, locale, place: 'private-unreachable', about });
        await sendSafely(message.conversation, minimal.text, 'resources');
      }
    }
    if (resources !== undefined) await this.mark(message, 'sent');
    this.deps.metrics?.count('resources_sent_total', { level });
    return { caseId, direct };
  }

  /** Records the message's resource state; a failure is logged, never in the way of sending. */
  private async mark(message: InboundMessage, mark: ResourceMark): Promise<void> {
    try {
      await this.deps.store.markResources(message.conversation.platform, message.id, mark);
    } catch (error) {
      this.deps.logger.warn('could not record the resource state of a message', { code: asBotError(error).code, mark });
    }
  }

  /**
   * The database is unavailable: no dedupe, no history, no case. The screen still reads the
   * message on its own, and at risk the user still gets the directory's resources (the
   * operator's default country, else the international directory). The case is opened when
   * the platform redelivers the message after the database recovers.
   */
  async respondWithoutStore(message: InboundMessage, channel: Channel, risk: RiskAssessor, text: string): Promise<void> {
    const { crisis, clock, logger } = this.deps;
    const assessment = risk.screen({ text, recent: [], now: clock.now() });
    if (riskRank(assessment.level) < riskRank(crisis.threshold)) return;
    const locale = assessment.language === 'zh' ? 'zh' : 'en';
    const about = assessment.about ?? 'self';
    const country = crisis.fallbackCountry;
    const place = message.isDirect ? 'private' : 'private-unreachable';
    const rendered = crisis.render({ country, level: assessment.level, locale, place, about });
    await channel.send({ conversation: message.conversation, text: rendered.text, kind: 'resources', replyToId: message.id });
    logger.error('crisis resources sent without a case: the database is unavailable', {
      code: 'ESCALATION_NOTIFY_FAILED', level: assessment.level, platform: message.conversation.platform,
    });
    this.deps.metrics?.count('resources_sent_total', { level: assessment.level });
  }

  /** When a moderator has taken over, the bot says so once instead of answering. */
  async handoffOnce(contextKey: string, conversation: ConversationRef, locale: string, channel: Channel): Promise<void> {
    const { store } = this.deps;
    if (await store.preference(contextKey, HANDOFF_SENT)) return;
    await channel.send({ conversation, text: this.deps.crisis.texts(locale).handoff, kind: 'notice' });
    await store.setPreference(contextKey, HANDOFF_SENT, String(this.deps.clock.now().getTime()));
  }

  private async openDirect(channel: Channel, userId: string): Promise<ConversationRef | undefined> {
    try {
      return await channel.openDirect(userId);
    } catch (error) {
      this.deps.logger.warn('could not open a private conversation', { code: asBotError(error).code });
      return undefined;
    }
  }
}
