/**
 * The two crisis responses that write to the case and send the person nothing: a message
 * nobody addressed to the bot (an alert only, CRISIS.md §3), and the model judge's later, higher
 * verdict on a message already answered when its lines could not be sent (the case raised). Part of
 * the crisis step (responder.ts), kept apart so that file holds the response proper.
 */
import { asBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type InboundMessage, platformUserKey, riskRank } from '../messages.js';
import type { Clock, CrisisOutcome, CrisisRequest, RiskAssessment } from '../ports.js';
import { excerptOf } from '../conversation/text.js';
import type { Escalation } from './escalation.js';

export interface CaseSignalDeps {
  escalation: Pick<Escalation, 'raise'>;
  clock: Clock;
  logger: Logger;
}

/** An unaddressed group message at risk: the case and its alert only; a failure is logged. */
export async function alertQuietly(deps: CaseSignalDeps, message: InboundMessage, assessment: RiskAssessment, text: string): Promise<number | undefined> {
  try {
    const raised = await deps.escalation.raise({
      conversation: message.conversation, isDirect: false,
      user: { id: message.author.id, displayName: message.author.displayName },
      userKey: platformUserKey(message.conversation.platform, message.author.id),
      level: assessment.level, reasons: assessment.reasons, policyVersion: assessment.policyVersion,
      excerpt: excerptOf(text), country: undefined, resourcesSent: [], reachedPrivately: false,
      messageId: message.id, at: deps.clock.now(), unaddressed: true,
    });
    return raised.caseId;
  } catch (error) {
    deps.logger.error('could not alert on an unaddressed message', { code: asBotError(error).code, risk: assessment.level });
    return undefined;
  }
}

/**
 * The judge's higher verdict on a message already answered on the screen's level, when the
 * responder could not send the raised level's lines (responder.ts onVerdict): the same case is
 * still raised, so the moderators are paged at its priority, and the case keeps the level its
 * resources were sent at: the person's next message at risk gets the raised level's lines
 * (escalation.resourcesDue). Never rejects.
 */
export async function raiseOnVerdict(
  deps: CaseSignalDeps, request: CrisisRequest, judging: Promise<RiskAssessment>, outcome: CrisisOutcome,
): Promise<CrisisOutcome> {
  const { message, assessment, text } = request;
  try {
    const judged = await judging;
    if (riskRank(judged.level) <= riskRank(assessment.level)) return outcome;
    const raised = await deps.escalation.raise({
      conversation: message.conversation, isDirect: message.isDirect,
      user: { id: message.author.id, displayName: message.author.displayName },
      userKey: platformUserKey(message.conversation.platform, message.author.id),
      level: judged.level, reasons: judged.reasons, policyVersion: judged.policyVersion,
      excerpt: excerptOf(text), country: outcome.country, resourcesSent: [], reachedPrivately: outcome.direct !== undefined,
      messageId: message.id, at: deps.clock.now(),
    });
    return { ...outcome, caseId: raised.caseId ?? outcome.caseId };
  } catch (error) {
    deps.logger.error('could not raise the case to the judge\'s level', { code: asBotError(error).code, risk: assessment.level });
    return outcome;
  }
}
