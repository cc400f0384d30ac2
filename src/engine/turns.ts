/**
 * The turns one message leaves in the store: the person's turn with its assessment, and the
 * answer when there is one, each with its token count. Made before an answer goes out (see
 * reply.ts), or by the record step (record.ts) when there is no answer.
 */
import { type InboundMessage, platformUserKey, riskRank, userContextKey } from '../messages.js';
import type { RiskAssessment } from '../ports.js';
import type { NewTurn } from '../store/store.js';
import type { EngineDeps } from './deps.js';

/** The user's turn with its assessment, and the answer when there is one, with their token counts. */
export function turnsFor(deps: EngineDeps, message: InboundMessage, text: string, assessment: RiskAssessment, answer?: string, modelText?: string): NewTurn[] {
  const { clock, tokens } = deps;
  const now = clock.now();
  const contextKey = userContextKey(message.conversation, message.author.id);
  const userKey = platformUserKey(message.conversation.platform, message.author.id);
  const crisisTurn = riskRank(assessment.level) >= riskRank(deps.threshold);
  const userText = modelText ?? text;
  const turns: NewTurn[] = [{
    contextKey, userKey, role: 'user', text: userText, at: now, crisis: crisisTurn,
    tokens: tokens.countMessage('user', userText),
    assessment: { level: assessment.level, reasons: assessment.reasons, policyVersion: assessment.policyVersion },
  }];
  if (answer !== undefined) {
    turns.push({ contextKey, userKey, role: 'assistant', text: answer, at: now, crisis: crisisTurn, tokens: tokens.countMessage('assistant', answer) });
  }
  return turns;
}
