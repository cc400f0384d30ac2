/**
 * Step 7, the model's answer: the prompt fitted to the context window, the model called under
 * its deadline, and every answer (whole or streamed) put through the crisis step's output check
 * before anyone sees it. A failed check or a failed model gives the reviewed fallback instead.
 */
import { asBotError } from '../errors.js';
import { type ConversationRef, type InboundMessage, type OutboundMessage, platformUserKey } from '../messages.js';
import type { RiskAssessment } from '../ports.js';
import type { StoredTurn } from '../store/store.js';
import { buildPrompt } from '../conversation/prompt.js';
import { ReplyStream } from '../conversation/stream-reply.js';
import type { EngineDeps, ReplyChannel } from './deps.js';

/** What the person asked, for the output check: this message and the one before it. */
interface Asked {
  asked: readonly string[];
  atRisk: boolean;
}

/** What the reply phase asks of the model: the message, where the answer goes, and what the check needs. */
export interface AnswerRequest {
  message: InboundMessage;
  /** The person's text as the model reads it (cut to the policy's length). */
  text: string;
  history: StoredTurn[];
  assessment: RiskAssessment;
  atRisk: boolean;
  /** Where the answer goes; `replyToId` quotes the message when that is its own conversation. */
  replyTo: ConversationRef;
  replyToId: { replyToId?: string };
  channel: ReplyChannel;
  /** When the message's handling began (performance.now()), for the deadline at risk. */
  started: number;
  locale: string;
  country: string | undefined;
  asked: Asked;
  /** The generic notice a streamed answer falls back to. */
  unavailable: string;
}

/** The answer, or the fallback to send instead (undefined: the generic notice). */
export type Answer = { ok: true; text: string } | { ok: false; fallback: string | undefined };

/**
 * The model's checked answer, and the stream already showing it when streaming is allowed (the
 * caller settles the stream; undefined when the answer is to be sent whole).
 */
export async function answer(deps: EngineDeps, request: AnswerRequest): Promise<{ answer: Answer; stream: ReplyStream | undefined }> {
  const stream = streamFor(deps, request);
  return { answer: await modelAnswer(deps, request, stream), stream };
}

/**
 * A streamed reply when it is allowed: STREAMING=on, risk level none or low (never in a
 * conversation at moderate or above), and a platform that can edit a sent message.
 */
function streamFor(deps: EngineDeps, request: AnswerRequest): ReplyStream | undefined {
  const { channel, locale, country, asked } = request;
  const level = request.assessment.level;
  if (!deps.streaming || (level !== 'none' && level !== 'low') || !channel.edit) return undefined;
  const { crisis, logger } = deps;
  const edit = channel.edit.bind(channel);
  const message: Omit<OutboundMessage, 'text'> = { conversation: request.replyTo, kind: 'reply', ...request.replyToId };
  return new ReplyStream({
    channel: { send: (m) => channel.send(m), edit, ...(channel.editIntervalMs !== undefined ? { editIntervalMs: channel.editIntervalMs } : {}) },
    message, fallback: request.unavailable,
    check: (text) => {
      // The person's country, as for a whole answer: "call 911" is wrong in GB while streaming too.
      const verdict = crisis.checkReply(text, level, locale, country, asked);
      return verdict.ok ? { ok: true } : { ok: false, fallback: verdict.fallback };
    },
    onBlocked: () => {
      logger.warn('streamed answer failed the output check; replaced by the safe reply', { code: 'OUTPUT_CHECK_FAILED', level });
      deps.metrics?.count('output_check_failures_total', { level });
    },
    onError: (error) => logger.warn('streamed edit failed', { code: asBotError(error).code, platform: message.conversation.platform }),
  });
}

async function modelAnswer(deps: EngineDeps, request: AnswerRequest, stream: ReplyStream | undefined): Promise<Answer> {
  const { message, text, history, assessment, atRisk, replyTo, channel, started, locale, country, asked } = request;
  const { policy, tokens, logger, crisis } = deps;
  const promptFor = (turns: typeof history) => buildPrompt(
    {
      system: atRisk ? policy.crisisPrompt : policy.systemPrompt,
      history: turns,
      userText: text,
      userTokens: tokens.countMessage('user', text),
      contextTokens: deps.contextTokens,
      answerTokens: policy.answerMaxTokens,
    },
    tokens,
  );
  let prompt = promptFor(history);
  // Counts (and stored turn counts) are byte-length upper bounds until the tokenizer is needed:
  // only when they would drop turns are they made exact, so no turn is dropped that fits.
  if (prompt.trimmedTurns > 0 && tokens.exact && (await tokens.exact())) {
    prompt = promptFor(history.map((t) => ({ ...t, tokens: tokens.countMessage(t.role, t.text) })));
  }
  if (prompt.trimmedTurns > 0) logger.debug('history trimmed to fit the context', { turns: prompt.trimmedTurns });
  const stopTyping = channel.startTyping?.(replyTo);
  // At risk, the deadline counts from when the message arrived, so a follow-up queued behind
  // a slow answer is not kept waiting for a second full model timeout.
  const deadline = atRisk && deps.replyDeadlineMs !== undefined
    ? Math.max(1, Math.round(deps.replyDeadlineMs - (performance.now() - started))) : Infinity;
  const abort = AbortSignal.timeout(Math.min(deps.llmTimeoutMs, deadline));
  const modelStarted = performance.now();
  deps.metrics?.observe('engine_overhead_seconds', (modelStarted - started) / 1000);
  try {
    const completion = await deps.llm.complete({
      messages: prompt.messages, maxTokens: policy.answerMaxTokens, signal: abort,
      userKey: platformUserKey(message.conversation.platform, message.author.id),
      ...(stream ? { onDelta: (delta: string) => stream.push(delta) } : {}),
    });
    // A partial already failed the check and was replaced: the rest of this answer is not shown.
    if (stream?.blocked !== undefined) return { ok: false, fallback: stream.blocked };
    deps.metrics?.observe('model_latency_seconds', (performance.now() - modelStarted) / 1000, { outcome: 'ok' });
    const verdict = crisis.checkReply(completion.text, assessment.level, locale, country, asked);
    if (!verdict.ok) {
      logger.warn('model answer failed the output check', { code: 'OUTPUT_CHECK_FAILED', reasons: verdict.reasons, level: assessment.level });
      deps.metrics?.count('output_check_failures_total', { level: assessment.level });
      return { ok: false, fallback: verdict.fallback };
    }
    return { ok: true, text: completion.text };
  } catch (error) {
    const e = asBotError(error);
    // status, host and model from the client's context: enough to tell a wrong model name
    // (404) from a wrong key (401) or a down server; never the key, never the prompt.
    logger.error('model call failed', { code: e.code, platform: message.conversation.platform, ...e.context });
    deps.metrics?.observe('model_latency_seconds', (performance.now() - modelStarted) / 1000, { outcome: 'error' });
    deps.metrics?.count('model_errors_total', { code: e.code });
    // The person's country too: the safe reply then gives its emergency number, not "your local one".
    const verdict = crisis.checkReply(undefined, assessment.level, locale, country);
    return { ok: false, fallback: verdict.ok ? undefined : verdict.fallback };
  } finally {
    stopTyping?.();
  }
}
