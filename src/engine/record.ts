/**
 * Step 8, the record: the person's turn with its assessment and the answer are stored in the same
 * transaction that marks the message finished, then the outcome is logged (codes and levels,
 * never text) and counted.
 */
import type { InboundMessage } from '../messages.js';
import type { RiskAssessment } from '../ports.js';
import type { NewTurn } from '../store/store.js';
import type { EngineDeps, Outcome } from './deps.js';
import { turnsFor } from './turns.js';

/** 8. Persist the user's turn with its assessment and the answer; log and count the outcome. */
export async function finish(
  deps: EngineDeps,
  progress: { completed: boolean },
  message: InboundMessage,
  text: string,
  assessment: RiskAssessment,
  started: number,
  outcome: Outcome,
  persistTurns = true,
  answer?: string,
  modelText?: string,
  prepared?: NewTurn[],
): Promise<Outcome> {
  const { store: db, clock } = deps;
  const now = clock.now();
  const turns = !persistTurns ? [] : prepared ?? turnsFor(deps, message, text, assessment, answer, modelText);
  // The delivery is marked complete in the same transaction as its turns.
  await db.recordExchange(turns, { platform: message.conversation.platform, messageId: message.id, at: now });
  progress.completed = true;
  deps.metrics?.count('messages_total', { platform: message.conversation.platform, level: assessment.level });
  // A level is logged beside the case id, never beside the conversation: a private chat's id
  // is the user's id on some platforms, and /forget cannot reach into log files.
  deps.logger.info('message handled', {
    platform: message.conversation.platform,
    ...('caseId' in outcome && outcome.caseId !== undefined ? { caseId: outcome.caseId } : {}),
    status: outcome.status,
    level: assessment.level,
    reasons: assessment.reasons,
    policyVersion: assessment.policyVersion,
    ms: Math.round(performance.now() - started),
  });
  return outcome;
}
