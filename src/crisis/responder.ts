/**
 * The crisis step, owned in one place: what the bot does once the engine finds a message at
 * risk. Order matters and is chosen to fail toward the person's safety:
 *   1. find where to reach the user privately (their DM), without waiting for the model;
 *   2. open or update the case and write its alert to the outbox in one transaction, so a
 *      crash from here on can delay an alert but never lose it;
 *   3. send the verified resources: in a DM in full; in a public channel a short caring note
 *      for the level in place and the full text by DM, or a minimal in-place version when DMs
 *      are closed.
 * A failure in one step is logged with its code and never stops the next. The other crisis
 * concerns of a message have their own owners, each called once by the engine: what an earlier
 * crisis left open (follow-up.ts), the moderator's take-over (hand-off.ts), and what may be
 * sent as the model's answer (reply-check.ts). The alert-only responses (an unaddressed message,
 * the judge's later verdict) are in case-signals.ts. services.ts puts the five together as the
 * engine's CrisisResponder seam.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { asBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  type ConversationRef,
  type InboundMessage,
  type RiskLevel,
  conversationKey,
  platformUserKey,
  riskRank,
} from '../messages.js';
import type {
  Clock,
  CrisisChannel,
  CrisisOutcome,
  CrisisRequest,
  CrisisResponder,
  ResourceMark,
  RiskAssessment,
  RiskAssessor,
} from '../ports.js';
import type { MessageStore } from '../store/store.js';
import { excerptOf } from '../conversation/text.js';
import { communityKey } from './country.js';
import type { RenderPlace, ResourceDirectory } from './directory.js';
import type { Escalation } from './escalation.js';
import type { LocaleChooser } from './locale.js';
import type { ResourceDelivery } from './resource-delivery.js';
import { alertQuietly, raiseOnVerdict } from './case-signals.js';

export interface CrisisResponderDeps {
  store: MessageStore;
  escalation: Pick<Escalation, 'raise' | 'resolveCountry' | 'resourcesDue' | 'markUnreachable'>;
  directory: Pick<ResourceDirectory, 'render'>;
  /** The screen, for the database-down path where the engine could not run it. */
  risk: RiskAssessor;
  /** Lowest level that shows resources and alerts moderators (escalation.yaml). */
  threshold: RiskLevel;
  /** The operator's default country (CRISIS_DEFAULT_COUNTRY), for when no stored choice can be read. */
  fallbackCountry: string | undefined;
  /** The language to write in (src/crisis/locale.ts). */
  locale: LocaleChooser;
  clock: Clock;
  logger: Logger;
  metrics?: { count(name: string, labels?: Record<string, string>): void };
  /**
   * The durable resource-delivery queue (issue 12 item 3): resources count as sent only when the
   * platform confirmed them, a failed send is retried until delivered or superseded, and the
   * person's next message re-sends what never arrived. Without it, resources are sent directly.
   */
  deliveries?: Pick<ResourceDelivery, 'send'> & Partial<Pick<ResourceDelivery, 'queuedSince'>>;
}

/** Crisis texts get up to three tries on a transient platform failure, waiting at most 5 s. */
const RESOURCE_SEND_ATTEMPTS = 3;
const MAX_RESOURCE_RETRY_WAIT_MS = 5_000;


/** The crisis response proper: the respond and respondWithoutStore members of the CrisisResponder seam (src/ports.ts). */
export type CrisisResponse = Pick<CrisisResponder, 'respond' | 'respondWithoutStore'>;

export function createCrisisResponder(deps: CrisisResponderDeps): CrisisResponse {
  return new Responder(deps);
}

class Responder implements CrisisResponse {
  private readonly threshold: RiskLevel;

  constructor(private readonly deps: CrisisResponderDeps) {
    this.threshold = deps.threshold;
  }

  async respond(request: CrisisRequest): Promise<CrisisOutcome> {
    const { message, assessment, text, quiet } = request;
    if (quiet) return { caseId: await alertQuietly(this.deps, message, assessment, text), direct: undefined };
    let outcome: CrisisOutcome;
    // Resumed after a crash with resources decided but unconfirmed: the dead run may already
    // have queued them, and the queue re-sends its own rows after a restart. Sending them again
    // here gave the person the same resources twice (the fault suite found it).
    if (request.resources === 'due' && await this.queuedBefore(message, assessment.level)) {
      await this.mark(message, 'sent');
      outcome = await this.respondTo({ ...request, resources: 'sent' });
    } else {
      outcome = await this.respondTo(request);
    }
    return request.judging ? { ...outcome, settled: this.onVerdict(request, request.judging, outcome) } : outcome;
  }

  /**
   * The judge's verdict on a message the screen already answered. A higher verdict raises the
   * same case, and, failing toward safety, the raised level's lines go out once as part of it:
   * at imminent the emergency number comes first, which the screen's moderate lines did not
   * give. They go where the first lines went, privately; no second note in a public channel
   * (one short public reply per message, CRISIS.md §5). The case then records the raised level's
   * resources, so the person's next message does not repeat them within the resend interval.
   * Never rejects: if the response fails, the case is still raised (case-signals.ts).
   */
  private async onVerdict(request: CrisisRequest, judging: Promise<RiskAssessment>, outcome: CrisisOutcome): Promise<CrisisOutcome> {
    const judged = await judging.catch(() => request.assessment);
    if (riskRank(judged.level) <= riskRank(request.assessment.level)) return outcome;
    try {
      // No resource mark: the message's own lines are recorded already; the case decides (resourcesDue).
      const { message, channel, locale, text } = request;
      const raised = await this.respondTo({ message, channel, assessment: judged, locale, text }, true);
      return { caseId: raised.caseId ?? outcome.caseId, direct: raised.direct, country: raised.country ?? outcome.country };
    } catch (error) {
      this.deps.logger.error('could not send the raised level\'s lines', { code: asBotError(error).code, risk: judged.level });
      return raiseOnVerdict(this.deps, request, Promise.resolve(judged), outcome);
    }
  }

  private async queuedBefore(message: InboundMessage, level: RiskLevel): Promise<boolean> {
    const userKey = platformUserKey(message.conversation.platform, message.author.id);
    try {
      return (await this.deps.deliveries?.queuedSince?.(userKey, message.receivedAt, level)) ?? false;
    } catch (error) {
      // Unknown: sending again fails toward safety.
      this.deps.logger.warn('could not read the resource queue for a resumed message', { code: asBotError(error).code });
      return false;
    }
  }

  /** `judgeRaised`: the judge's higher verdict on a message already answered (onVerdict). */
  private async respondTo({ message, channel, assessment, locale, text, resources }: CrisisRequest, judgeRaised = false): Promise<CrisisOutcome> {
    const { escalation, directory, clock, logger } = this.deps;
    const now = clock.now();
    const platform = message.conversation.platform;
    const userKey = platformUserKey(platform, message.author.id);
    const level = assessment.level;
    const about = assessment.about ?? 'self';

    const { country } = await escalation.resolveCountry({ userKey, communityKey: communityKey(message.conversation) });
    let direct = message.isDirect ? message.conversation : await this.openDirect(channel, message.author.id);
    // Asked before the case is updated: the case records when resources last went out.
    const resend = resources === 'due' || (resources !== 'sent' && resources !== 'none'
      && await escalation.resourcesDue({ userKey, conversationKey: conversationKey(message.conversation), level }));
    if (resources === 'decide') await this.mark(message, resend ? 'due' : 'none');
    const place: RenderPlace = direct ? 'private' : 'private-unreachable';
    const rendered = directory.render({ country, level, locale, place, about });

    // The new alert is sent after the resources' first try, so it can say whether they arrived.
    let release = (): void => undefined;
    const resourcesTried = new Promise<void>((done) => { release = done; });
    let caseId: number | undefined;
    try {
      const raised = await escalation.raise({
        conversation: message.conversation,
        isDirect: message.isDirect,
        user: { id: message.author.id, displayName: message.author.displayName },
        userKey,
        level,
        reasons: assessment.reasons,
        policyVersion: assessment.policyVersion,
        excerpt: excerptOf(text),
        country,
        // With the queue, the case learns what reached the person when the platform confirms it.
        resourcesSent: resend && !this.deps.deliveries ? rendered.resourceIds : [],
        reachedPrivately: direct !== undefined,
        messageId: message.id,
        at: now,
        ...(resend ? { notifyAfter: resourcesTried } : {}),
      });
      caseId = raised.caseId;
      if (raised.created) this.deps.metrics?.count('cases_opened_total', { level });
    } catch (error) {
      // The user still gets their resources below; the failure is loud in logs and metrics.
      const e = asBotError(error);
      logger.error('could not open the case', { code: e.code, platform, level });
      this.deps.metrics?.count('case_open_failures_total', { code: e.code });
    }

    if (!resend) return { caseId, direct, country };
    const sendSafely = async (conversation: ConversationRef, body: string, kind: 'resources' | 'public-note', replyToId?: string) => {
      for (let attempt = 1; ; attempt++) {
        try {
          // A button under it, where the platform adds one, speaks the text's language too.
          await channel.send({ conversation, text: body, kind, privateChatLabel: rendered.privateChatButton, ...(replyToId ? { replyToId } : {}) });
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

    // Resources through the queue when there is one: 'delivered', 'queued' (retried later) or refused.
    const sendResources = async (conversation: ConversationRef, p: RenderPlace, body: string, ids: string[], replyToId?: string) => {
      const { deliveries } = this.deps;
      if (!deliveries) return (await sendSafely(conversation, body, 'resources', replyToId)) ? 'delivered' : 'refused';
      try {
        const out = await deliveries.send({
          caseId, userKey, conversation, place: p === 'private' ? 'private' : 'private-unreachable', level, country, locale, about,
          resourceIds: ids, replyToId, at: now,
        }, channel);
        return out.delivered ? 'delivered' : out.refused ? 'refused' : 'queued';
      } catch (error) {
        // The queue's store failed: the person still gets the text, sent directly (fail toward safety).
        logger.error('resource queue unavailable: sending directly', { code: asBotError(error).code, level });
        return (await sendSafely(conversation, body, 'resources', replyToId)) ? 'delivered' : 'refused';
      }
    };

    if (message.isDirect) {
      await sendResources(message.conversation, place, rendered.text, rendered.resourceIds, message.id);
    } else {
      // The private message goes first: the public note says one was sent, so it must be true.
      const sent = direct ? await sendResources(direct, 'private', rendered.text, rendered.resourceIds) : 'refused';
      const delivered = sent === 'delivered';
      if (delivered) {
        if (!judgeRaised) {
          // The note follows the level: at imminent it gives the country's emergency number (issue 12 item 8).
          const note = directory.render({ country, level, locale, place: 'public', about });
          await sendSafely(message.conversation, note.text, 'public-note', message.id);
        }
      } else {
        // Refused, or queued for a retry: the minimal text goes in place now, so the person is not left waiting.
        const minimal = directory.render({ country, level, locale, place: 'private-unreachable', about });
        await sendResources(message.conversation, 'private-unreachable', minimal.text, minimal.resourceIds);
        if (direct && caseId !== undefined && sent === 'refused') {
          // The case, the audit log and every sink that was told "reached privately" now say otherwise
          // (with the queue, an alert not yet sent was already corrected when the minimal text arrived).
          await escalation.markUnreachable(caseId, now, assessment.policyVersion).catch((error: unknown) =>
            logger.warn('could not note the refused DM on the case', { code: asBotError(error).code }));
        }
        if (sent === 'refused') direct = undefined;
      }
    }
    release();
    if (resources !== undefined) await this.mark(message, 'sent');
    // The queue counts its own confirmed sends.
    if (!this.deps.deliveries) this.deps.metrics?.count('resources_sent_total', { level });
    return { caseId, direct, country };
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
   * The database is unavailable: no dedupe, no history. The screen still reads the message on
   * its own, and at risk the user still gets the directory's resources (the operator's default
   * country, else the international directory). The case is then raised as usual: with the
   * store down, raise() fails and the signal is journaled, to be written as soon as the store is
   * back (src/crisis/case-journal.ts). Resolves whether the message was at risk; never rejects.
   */
  async respondWithoutStore(message: InboundMessage, channel: CrisisChannel, text: string): Promise<boolean> {
    const { directory, clock, logger } = this.deps;
    let atRisk = false;
    try {
      const assessment = this.deps.risk.screen({ text, recent: [], now: clock.now() });
      if (riskRank(assessment.level) < riskRank(this.threshold)) return false;
      atRisk = true;
      // No store: no stored language choice, so the message's own language decides.
      const locale = await this.deps.locale({ detected: assessment.language, text });
      const about = assessment.about ?? 'self';
      const country = this.deps.fallbackCountry;
      const place = message.isDirect ? 'private' : 'private-unreachable';
      const rendered = directory.render({ country, level: assessment.level, locale, place, about });
      let sent = false;
      try {
        await channel.send({
          conversation: message.conversation, text: rendered.text, kind: 'resources', replyToId: message.id, privateChatLabel: rendered.privateChatButton,
        });
        sent = true;
        this.deps.metrics?.count('resources_sent_total', { level: assessment.level });
      } finally {
        logger.error('crisis resources sent without the database: the case waits for it', {
          code: 'ESCALATION_NOTIFY_FAILED', level: assessment.level, platform: message.conversation.platform, sent,
        });
        await this.deps.escalation.raise({
          conversation: message.conversation, isDirect: message.isDirect,
          user: { id: message.author.id, displayName: message.author.displayName },
          userKey: platformUserKey(message.conversation.platform, message.author.id),
          level: assessment.level, reasons: assessment.reasons, policyVersion: assessment.policyVersion,
          excerpt: excerptOf(text), country, resourcesSent: sent ? rendered.resourceIds : [],
          reachedPrivately: sent && message.isDirect, messageId: message.id, at: clock.now(),
        }).catch(() => undefined);
      }
    } catch (error) {
      logger.error('could not send crisis resources without the database', { code: asBotError(error).code });
    }
    return atRisk;
  }

  private async openDirect(channel: CrisisChannel, userId: string): Promise<ConversationRef | undefined> {
    try {
      return await channel.openDirect(userId);
    } catch (error) {
      this.deps.logger.warn('could not open a private conversation', { code: asBotError(error).code });
      return undefined;
    }
  }
}
