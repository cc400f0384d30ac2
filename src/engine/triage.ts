/**
 * Steps 4-5, triage: screen the message in the light of the person's recent turns, record the
 * conversation's level, start the judge, and at risk hand the message to the crisis step
 * (src/crisis/responder.ts), which opens the case and sends the verified resources at once.
 * Triage runs in the person's triage line and never waits for the model.
 */
import { communityKey } from '../crisis/country.js';
import { RISK_RESET_PREFERENCE } from '../crisis/escalation.js';
import { type InboundMessage, platformUserKey, riskRank, userContextKey } from '../messages.js';
import type { CrisisOutcome, ResourceMark, RiskAssessment, RiskInput } from '../ports.js';
import type { EngineDeps, Progress, ReplyChannel, Triage } from './deps.js';

/**
 * Screens one message and acts on what the screen finds. `inFlight` holds, per user context,
 * the texts triaged but not yet stored, so the screen sees the whole recent conversation; this
 * message's text is added to it. Resolves undefined for a message the bot neither answers nor
 * acts on in the reply phase.
 */
export async function triage(
  deps: EngineDeps,
  inFlight: Map<string, string[]>,
  message: InboundMessage,
  channel: ReplyChannel,
  text: string,
  progress: Progress,
  resources: ResourceMark | undefined,
): Promise<Triage | undefined> {
  const { store, clock, crisis, policy } = deps;
  const started = performance.now();
  const now = clock.now();
  const contextKey = userContextKey(message.conversation, message.author.id);
  const addressed = message.isDirect || message.mentionsBot;

  // First the country answer and the resources that never reached the person (issue 12 items 2, 3).
  await crisis.followUp(message, channel);
  const history = await store.recentTurns(contextKey, policy.maxHistoryTurns);
  const prior = await store.riskState(contextKey);
  // A moderator's false_positive resolve resets the carried level: earlier turns no longer count.
  const resetAt = Date.parse((await store.preference(platformUserKey(message.conversation.platform, message.author.id), RISK_RESET_PREFERENCE)) ?? '');
  const counts = (at: Date) => Number.isNaN(resetAt) || at.getTime() > resetAt;
  const pending = (inFlight.get(contextKey) ?? []).map((t) => ({ role: 'user' as const, text: t, at: now }));
  const input: RiskInput = {
    text,
    recent: [...history.filter((t) => t.role === 'user' && counts(t.at)), ...pending],
    now,
    ...(prior && counts(prior.at) ? { prior } : {}),
  };
  const screened = deps.risk.screen(input);
  inFlight.set(contextKey, [...(inFlight.get(contextKey) ?? []), text]);
  const actNow = riskRank(screened.level) >= riskRank(deps.threshold);
  deps.metrics?.count('risk_assessments_total', { level: screened.level, stage: 'screen' });

  if (!addressed) {
    // Unaddressed group messages are screened but never answered or stored, and judged only
    // in the judge's uncertain band, unless the screen alone calls for stepping in.
    const bar = deps.unaddressedThreshold ?? deps.threshold;
    if (riskRank(screened.level) < riskRank(bar)) {
      // Below the bar but at risk: no public reply, a normal-priority alert (CRISIS.md §3).
      if (actNow) await crisis.respond({ message, channel, assessment: screened, locale: 'en', text, quiet: true });
      // In the judge's uncertain band (judge.yaml) the judge reads it too; a risk it finds gets
      // the same quiet response, within the judge's timeout (issue 11 item 5). It is awaited
      // after triage, off this person's queue: awaited here, a hung model held their next
      // message, a crisis one too, for the judge's whole timeout.
      else if (deps.risk.judge) progress.judging = deps.risk.judge({ ...input, addressed: false }, screened);
      return undefined;
    }
  }

  // The judge runs beside triage and is awaited only in the reply phase: awaited here, a hung
  // model held this person's triage queue for the judge's whole timeout, so a crisis message
  // they sent next waited seconds for its resources (load run, model hung: p99 3.4 s).
  const judging = deps.risk.judge && addressed ? deps.risk.judge(input, screened) : undefined;
  const assessment: RiskAssessment = screened;
  const locale = deps.locale ? await deps.locale({
    userKey: platformUserKey(message.conversation.platform, message.author.id),
    communityKey: communityKey(message.conversation),
    detected: assessment.language,
    text,
  }) : 'en';
  // The conversation's standing level is the screen's business: record it now, so the next
  // message is read in its light even before this one is answered. A level of none over no
  // level (or none) changes nothing the screen reads, so it costs no write.
  if (assessment.level !== 'none' || (prior !== undefined && prior.level !== 'none')) {
    await store.setRiskState(contextKey, assessment.level, now);
  }

  let caseId: number | undefined;
  let country: string | undefined;
  let direct = message.isDirect ? message.conversation : undefined;
  let responded: Promise<CrisisOutcome> | undefined;
  if (riskRank(assessment.level) >= riskRank(deps.threshold)) {
    progress.responded = true;
    // The judge's pending verdict goes with the message: the responder raises this message's
    // case if the judge finds more, and the engine never calls respond for it again.
    const acted = await crisis.respond({
      message, channel, assessment, locale, text, resources: resources ?? 'decide', ...(judging ? { judging } : {}),
    });
    caseId = acted.caseId;
    direct = acted.direct;
    country = acted.country;
    responded = acted.settled;
  }
  return {
    text, now, started, assessment, judging, responded, locale, caseId, direct, country,
    history: pending.length === 0 ? history : undefined,
  };
}
