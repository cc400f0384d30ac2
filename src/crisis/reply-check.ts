/**
 * What may be sent as the model's answer, decided in one place: the output check at the
 * message's level, and what replaces an answer that fails it or never came. The engine asks
 * once per answer (and per streamed partial); the texts it sends instead are the reviewed ones
 * of policies/templates/, never made up here.
 */
import { type RiskLevel, riskRank } from '../messages.js';
import type { ReplyVerdict } from '../ports.js';
import type { ResourceDirectory } from './directory.js';
import type { OutputCheck } from './output-check.js';
import type { ReplyContext } from './output-meaning.js';

export interface ReplyCheckDeps {
  directory: Pick<ResourceDirectory, 'render' | 'texts'>;
  checkOutput: OutputCheck;
  /** Lowest level that shows resources and alerts moderators (escalation.yaml). */
  threshold: RiskLevel;
  /** The operator's default country (CRISIS_DEFAULT_COUNTRY), for when the person's is unknown. */
  fallbackCountry: string | undefined;
}

/** Checks a model answer at its level, in its conversation; `answer` undefined means the model gave none. */
export type ReplyCheck = (answer: string | undefined, level: RiskLevel, locale: string, country?: string, context?: ReplyContext) => ReplyVerdict;

/** Output-check reasons that say a reply is about dying, whatever level the screen gave. */
const MEANING_CODES: ReadonlySet<string> = new Set([
  'OUTPUT_METHOD_DETAIL', 'OUTPUT_SUICIDE_AS_SOLUTION', 'OUTPUT_NO_SUICIDE_CONTRACT', 'OUTPUT_SECRECY_PROMISE',
]);

export function createReplyCheck(deps: ReplyCheckDeps): ReplyCheck {
  return (answer, level, locale, country, context) => {
    const atRisk = riskRank(level) >= riskRank(deps.threshold);
    // In the person's country (or the operator's default) the safe reply names its emergency number.
    const reviewed = deps.directory.texts(locale, country ?? deps.fallbackCountry).fallbackReply[level];
    // No answer below the threshold: the engine says plainly that the model cannot be reached.
    if (answer === undefined) return { ok: false, reasons: [], fallback: atRisk ? reviewed : undefined };
    // Numbers only from the person's country (or, not knowing it, the operator's default).
    const verdict = deps.checkOutput(answer, level, { country: country ?? deps.fallbackCountry }, context);
    if (verdict.ok) return { ok: true };
    // Below the threshold, a reply that describes dying, frames it as a way out, asks for a
    // promise or promises secrecy means the screen missed what the conversation is about: fail
    // toward safety with a line to a person (the minimal text, which discloses nothing and suits
    // a group too) instead of "could you ask me again?".
    if (!atRisk && verdict.reasons.some((r) => MEANING_CODES.has(r))) {
      const lines = deps.directory.render({
        country: country ?? deps.fallbackCountry, level: 'moderate', locale, place: 'private-unreachable', about: 'self',
      });
      return { ok: false, reasons: verdict.reasons, fallback: lines.text };
    }
    // The model answered but the answer failed the check: the reviewed kind text at every level,
    // never "can't reach my model", which would not be true (issue 12 item 6).
    return { ok: false, reasons: verdict.reasons, fallback: reviewed };
  };
}
