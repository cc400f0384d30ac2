/**
 * Steps 6-8, the reply: the judge's late verdict, the rate limit, a moderator's hand-off, the
 * model's checked answer (./answer.ts) sent where the conversation continues, and the record of
 * the exchange (./record.ts). Runs in the person's reply line, in the order messages were triaged.
 */
import { asBotError } from '../errors.js';
import { type InboundMessage, type OutboundMessage, platformUserKey, riskRank, userContextKey } from '../messages.js';
import { cutText, isBlank } from '../conversation/text.js';
import { answer } from './answer.js';
import type { EngineDeps, Outcome, Progress, ReplyChannel, Triage } from './deps.js';
import { finish } from './record.js';
import { turnsFor } from './turns.js';

/** A reply gets this many tries when the platform's failure is transient (network, rate limit). */
const REPLY_SEND_ATTEMPTS = 3;

/**
 * Sends an answer, retrying a transient failure after a short backoff (250 ms, then 1 s, or the
 * platform's retry-after up to 5 s). Without it a connection reset on one send left the message
 * unanswered until the next restart (the fault suite saw dozens at once). A network failure whose
 * request did reach the platform can post the answer twice; losing it is worse.
 */
async function sendPatiently(channel: ReplyChannel, message: OutboundMessage): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await channel.send(message);
      return;
    } catch (error) {
      const e = asBotError(error);
      if ((e.code !== 'PLATFORM_NETWORK' && e.code !== 'PLATFORM_RATE_LIMITED') || attempt >= REPLY_SEND_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.min(e.retryAfterMs ?? 250 * 4 ** (attempt - 1), 5_000)));
    }
  }
}

/** Steps 6-8: rate limit, the model's checked answer, and persistence. */
export async function reply(deps: EngineDeps, message: InboundMessage, channel: ReplyChannel, t: Triage, progress: Progress): Promise<Outcome> {
  const { store, crisis, policy } = deps;
  const { text, now, started, locale } = t;
  let { assessment, caseId, direct, country } = t;
  const contextKey = userContextKey(message.conversation, message.author.id);
  const userKey = platformUserKey(message.conversation.platform, message.author.id);
  const addressed = message.isDirect || message.mentionsBot;

  if (t.judging) {
    // Before the answer: a risk the judge finds gets its crisis response ahead of the reply.
    const judged = await t.judging;
    if (riskRank(judged.level) > riskRank(assessment.level)) {
      if (t.responded) {
        // Triage already responded to this message: its responder raised the case itself.
        caseId = (await t.responded).caseId ?? caseId;
      } else if (riskRank(judged.level) >= riskRank(deps.threshold)) {
        progress.responded = true;
        const acted = await crisis.respond({ message, channel, assessment: judged, locale, text });
        caseId = acted.caseId ?? caseId;
        direct = acted.direct;
        country = acted.country ?? country;
      }
      assessment = judged;
      await store.setRiskState(contextKey, assessment.level, now);
    }
  }
  const withCase = caseId === undefined ? {} : { caseId };
  if (!addressed) {
    return finish(deps, progress, message, text, assessment, started, { status: 'answered', level: assessment.level, ...withCase }, false);
  }

  const atRisk = riskRank(assessment.level) >= riskRank(deps.threshold);
  const texts = policy.texts(locale);
  // At risk in a public channel, the conversation continues privately; with DMs closed the
  // in-place resources already sent are all that is said publicly.
  const replyTo = atRisk && !message.isDirect ? direct : message.conversation;
  if (!replyTo) return finish(deps, progress, message, text, assessment, started, { status: 'answered', level: assessment.level, ...withCase });

  // 6. Rate limit: only messages that are not at risk can be limited.
  if (!atRisk && deps.limiter) {
    const { allowed, notify } = await deps.limiter.take(userKey, now.getTime());
    if (!allowed) {
      if (notify) await channel.send({ conversation: replyTo, text: texts.rate_limited, kind: 'notice', replyToId: message.id });
      deps.metrics?.count('messages_limited_total', { platform: message.conversation.platform });
      return { status: 'limited' };
    }
  }

  if (await crisis.handOff(message, replyTo, locale, channel)) {
    return finish(deps, progress, message, text, assessment, started, { status: 'paused', level: assessment.level, ...withCase });
  }

  if (isBlank(text)) {
    await channel.send({ conversation: replyTo, text: texts.empty_message, kind: 'notice', replyToId: message.id });
    return finish(deps, progress, message, text, assessment, started, { status: 'answered', level: assessment.level });
  }

  // 7. The model's answer, checked before it is sent. When another message of this user was
  // in flight at triage, it has been answered and stored by now: read the history again.
  const history = t.history ?? (await store.recentTurns(contextKey, policy.maxHistoryTurns));
  const forModel = cutText(text, policy.maxInputChars);
  // What the person just wrote goes to the output check: after "which is more reliable, pills or
  // jumping?", "that option is very reliable" rates a way to die though it names none.
  const previous = history.findLast((turn) => turn.role === 'user')?.text;
  const asked = { asked: previous === undefined ? [text] : [previous, text], atRisk };
  if (forModel.length < text.length) {
    await channel.send({ conversation: replyTo, text: texts.shortened, kind: 'notice' });
  }
  const replyToId = replyTo === message.conversation ? { replyToId: message.id } : {};
  const { answer: answered, stream } = await answer(deps, {
    message, text: forModel, history, assessment, atRisk, replyTo, replyToId, channel, started, locale, country, asked,
    unavailable: texts.model_unavailable,
  });
  // The turns (their token counts) are made before the answer goes out, so that nothing but
  // one SQLite transaction sits between the platform taking the answer and the message being
  // marked finished: a crash in that gap answers the message again after the restart.
  const turns = turnsFor(deps, message, text, assessment, answered.ok ? answered.text : undefined, forModel);
  const streamed = await stream?.settle(answered.ok ? { answer: answered.text } : { fallback: answered.fallback ?? texts.model_unavailable });
  if (streamed !== undefined) {
    // Already on screen through the stream's edits.
  } else if (answered.ok) {
    // One answer per message, whichever run sends it: a resumed message finds the answer a
    // killed run sent (Telegram's read-back) instead of answering twice.
    await sendPatiently(channel, { conversation: replyTo, text: answered.text, kind: 'reply', ...replyToId, sendKey: `reply:${message.id}` });
  } else {
    // Quoting the message it stands in for, as a reply does: the person sees which message it answers.
    await sendPatiently(channel, {
      conversation: replyTo, text: answered.fallback ?? texts.model_unavailable, kind: 'fallback', ...replyToId, sendKey: `reply:${message.id}`,
    });
  }
  const outcome: Outcome = { status: answered.ok ? 'answered' : 'fallback', level: assessment.level, ...withCase };
  return finish(deps, progress, message, text, assessment, started, outcome, true, answered.ok ? answered.text : undefined, forModel, turns);
}
